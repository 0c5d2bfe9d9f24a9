// The search in progress, kept in IndexedDB as its runs finish, so a reload, a closed tab or a
// crashed worker loses nothing: one record, {plan, journal, state} (journal: sweep.js). Storage
// failures (private windows, quota) are reported to the caller, never thrown at the page.
const DB = 'idim-web', STORE = 'searches', KEY = 'current';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('the transaction was aborted'));
    });
  } finally {
    db.close();
  }
}

export const saveSearch = (record) => transact('readwrite', (s) => s.put(record, KEY));
export const loadSearch = () => transact('readonly', (s) => s.get(KEY));
export const clearSearch = () => transact('readwrite', (s) => s.delete(KEY));

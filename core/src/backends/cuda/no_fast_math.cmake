# idim_refuse_fast_math(<what> <flags>): stops configuring when <flags> turn on nvcc's fast math
# (or any part of it: flush to zero, approximate division or square root, contraction), which
# changes the bits of P and of the kernels the host checks. no_fast_math.h refuses -ffast-math
# and nvcc ≤ 12's --use_fast_math (__USE_FAST_MATH__), but nvcc 13 defines no macro for it.
function(idim_refuse_fast_math what flags)
  if(flags MATCHES "(use[_-]fast[_-]math|-ftz[= ]+true|-prec-div[= ]+false|-prec-sqrt[= ]+false|-fmad[= ]+true|fast-math)")
    message(FATAL_ERROR "idim: ${what} turns on fast math (${CMAKE_MATCH_1}); P's bits need IEEE "
                        "arithmetic (no_fast_math.h)")
  endif()
endfunction()

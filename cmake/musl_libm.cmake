# The native build's one libm (see include/fleetops/libm.h): musl's exp, log, ... linked out of
# its static libc.a (Debian's musl-dev) into one relocatable object, each public name X renamed
# fo_X and every other symbol made local, so nothing clashes with glibc's libm.
# Sets FO_LIBM_OBJECT. The names come from FO_LIBM_UNARY / FO_LIBM_OTHER in the header.
#
# musl's double functions are generic C on x86_64 (its assembly is for long double, sqrt and
# fabs), built without FMA, so they compute what the same C computes in wasm32: bit for bit.
# Where musl itself uses FMA (aarch64), the two builds may differ in a last bit.

string(REGEX REPLACE "-gnu.*$" "-musl" _fo_musl_triplet "${CMAKE_LIBRARY_ARCHITECTURE}")
find_file(FO_MUSL_LIBC libc.a PATHS /usr/lib/${_fo_musl_triplet} /usr/lib/musl/lib NO_DEFAULT_PATH)
if(NOT FO_MUSL_LIBC)
  message(FATAL_ERROR "musl's libc.a not found (Debian package musl-dev; make installs it)")
endif()
find_program(FO_LD NAMES ld ld.bfd REQUIRED)
find_program(FO_OBJCOPY NAMES objcopy REQUIRED)

file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/include/fleetops/libm.h _fo_libm_lines
     REGEX "^#define FO_LIBM_(UNARY|OTHER)\\(X\\)")
string(REGEX MATCHALL "X\\([a-z0-9_]+\\)" _fo_libm_items "${_fo_libm_lines}")
set(_fo_undef "")
set(_fo_redefine "")
set(_fo_keep "")
foreach(item ${_fo_libm_items})
  string(REGEX REPLACE "X\\(([a-z0-9_]+)\\)" "\\1" name "${item}")
  list(APPEND _fo_undef -u ${name})
  string(APPEND _fo_redefine "${name} fo_${name}\n")
  string(APPEND _fo_keep "fo_${name}\n")
endforeach()
set(_fo_dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${_fo_dir})
file(WRITE ${_fo_dir}/libm_redefine.txt "${_fo_redefine}")
file(WRITE ${_fo_dir}/libm_keep.txt "${_fo_keep}")

set(FO_LIBM_OBJECT ${_fo_dir}/fo_libm.o)
add_custom_command(OUTPUT ${FO_LIBM_OBJECT}
  COMMAND ${FO_LD} -r -o ${_fo_dir}/musl_libm_raw.o ${_fo_undef} ${FO_MUSL_LIBC}
  COMMAND ${FO_OBJCOPY} --redefine-syms=${_fo_dir}/libm_redefine.txt
          --keep-global-symbols=${_fo_dir}/libm_keep.txt ${_fo_dir}/musl_libm_raw.o ${FO_LIBM_OBJECT}
  DEPENDS ${FO_MUSL_LIBC} ${CMAKE_CURRENT_SOURCE_DIR}/include/fleetops/libm.h
  COMMENT "Linking musl's libm functions into fo_libm.o")
set_source_files_properties(${FO_LIBM_OBJECT} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)

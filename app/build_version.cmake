# Writes OUT (app/build_version.h) from IN with VERSION and the commit of SOURCE_DIR. Run by
# `cmake -P` at every build, so the commit is that of the build, not of the last configure; the
# file is rewritten only when its text changes, so an unchanged commit recompiles nothing. No git
# (or no checkout, as in a source tarball): the commit is left empty. Nothing touches the network.
set(commit "")
if(GIT)
  execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
    OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT commit MATCHES "^[0-9a-f]+$")
    set(commit "")
  endif()
endif()
configure_file("${IN}" "${OUT}" @ONLY)

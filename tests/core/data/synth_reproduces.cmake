# Runs `ecglens synth` with the demo test set's command (models/README.md)
# and fails unless the output equals the committed file.
execute_process(COMMAND ${ECGLENS} synth --count 500 --anomaly-fraction 0.2 --seed 2 -o ${OUT}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ecglens synth failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${EXPECTED} RESULT_VARIABLE differ)
if(NOT differ EQUAL 0)
  message(FATAL_ERROR "${OUT} differs from ${EXPECTED}: regenerate the demo data (models/README.md)")
endif()

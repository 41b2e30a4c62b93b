# Install the built library into a scratch prefix, then configure, build and run the consumer.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(step)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}")
    endif()
endfunction()

step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component Unspecified)
# The daemon and its systemd unit, which starts it only after checking the configuration.
foreach(installed sbin/patrond bin/patronctl lib/systemd/system/patrond.service)
    if(NOT EXISTS ${prefix}/${installed})
        message(FATAL_ERROR "not installed: ${installed}")
    endif()
endforeach()
file(READ ${prefix}/lib/systemd/system/patrond.service unit)
foreach(line "ExecStartPre=/.*/patrond --check-config" "ExecStart=/.*/patrond --config"
             "KillSignal=SIGTERM" "DynamicUser=yes" "StateDirectory=patron")
    if(NOT unit MATCHES "${line}")
        message(FATAL_ERROR "patrond.service lacks ${line}")
    endif()
endforeach()
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig:${prefix}/lib/x86_64-linux-gnu/pkgconfig")
step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_RPATH=${prefix}/lib)
step(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step(${WORK_DIR}/build/consumer_cmake)
step(${WORK_DIR}/build/consumer_pkgconfig)

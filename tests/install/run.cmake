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
# The nightly retention job: service, timer, cron line and the sample policy they point to.
foreach(installed lib/systemd/system/patron-retention.service
                  lib/systemd/system/patron-retention.timer share/patron/patron-retention.cron
                  share/patron/retention-policy.toml)
    if(NOT EXISTS ${prefix}/${installed})
        message(FATAL_ERROR "not installed: ${installed}")
    endif()
endforeach()
file(READ ${prefix}/lib/systemd/system/patron-retention.service unit)
foreach(line "Type=oneshot" "ExecStart=/.*/patronctl .* retention run --policy "
             "KillSignal=SIGTERM" "User=patrond" "StateDirectory=patron")
    if(NOT unit MATCHES "${line}")
        message(FATAL_ERROR "patron-retention.service lacks ${line}")
    endif()
endforeach()
file(READ ${prefix}/lib/systemd/system/patron-retention.timer timer)
if(NOT timer MATCHES "OnCalendar=" OR NOT timer MATCHES "Persistent=true")
    message(FATAL_ERROR "patron-retention.timer lacks its schedule")
endif()
file(READ ${prefix}/share/patron/patron-retention.cron cron)
if(NOT cron MATCHES "\n[0-9]+ [0-9]+ \\* \\* \\* [a-z]+ /.*/patronctl .* retention run ")
    message(FATAL_ERROR "patron-retention.cron lacks its line")
endif()
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig:${prefix}/lib/x86_64-linux-gnu/pkgconfig")
step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_RPATH=${prefix}/lib)
step(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step(${WORK_DIR}/build/consumer_cmake)
step(${WORK_DIR}/build/consumer_pkgconfig)

complete -c cam-send -l to -d 'Receiver to stream to, as HOST:PORT (cam-recv listens on port 8000 by default)' -r
complete -c cam-send -l secs -d 'Stop after this many seconds (default: run until interrupted)' -r
complete -c cam-send -l frames -d 'Stop after this many frames have been sent' -r
complete -c cam-send -l width -d 'Picture width in pixels (test pattern and camera): even, at most 3840 for H.264 and 65500 for JPEG' -r
complete -c cam-send -l height -d 'Picture height in pixels (test pattern and camera): even, at most 2160 for H.264 (3840 in portrait) and 65500 for JPEG' -r
complete -c cam-send -l fps -l framerate -d 'Frames per second [default: 30]. With `files:` and `stdin`, 0 sends as fast as the receiver takes them; `stdin` without --fps is sent as it comes, at the writer\'s pace. Also spelled --framerate, as in rpicam-vid' -r
complete -c cam-send -l codec -d 'How frames are encoded. With `--source stdin`, what the input stream is (MJPEG, or Annex-B H.264 cut into access units without re-encoding)' -r -f -a "jpeg\t'Baseline JPEG per frame (MJPEG): what the classic recipe sends'
h264\t'Baseline H.264 (OpenH264), one access unit per frame'"
complete -c cam-send -l bitrate -d 'H.264 target bit rate in bits per second (default: about 0.1 bit per pixel per frame, e.g. 0.9 Mbit/s at 640x480 and 30 fps)' -r
complete -c cam-send -l keyframe-interval -d 'H.264: an IDR keyframe (with SPS and PPS) every this many frames (default: one per second)' -r
complete -c cam-send -l quality -d 'JPEG quality, 1-100 (4:2:0 chroma subsampling)' -r
complete -c cam-send -l max-latency -d 'How far behind capture a frame may fall and still be sent, in milliseconds. On a link slower than the stream (Wi-Fi at the edge of range), frames that would arrive later are dropped and the newest sent instead, so the picture stays live; H.264 then resumes on a fresh keyframe. Keep the default for watching; use 0 to send every frame in order however late (recording over a good link)' -r
complete -c cam-send -l stall-timeout -d 'A connection that takes no byte for this many seconds while frames wait is lost (a receiver that vanished without closing): one log line, then with --retry a reconnect, without it exit status 1' -r
complete -c cam-send -l max-frame -d 'Largest frame the sender will put on the wire, in bytes' -r
complete -c cam-send -l source -d 'Where frames come from: `test` (built-in moving pattern), `files:GLOB` (JPEG files in name order), `stdin` (an MJPEG or, with `--codec h264`, an Annex-B byte stream), or `libcamera[:INDEX|:ID]` (a camera; needs the `libcamera` build feature)' -r
complete -c cam-send -l list-cameras -d 'Print the cameras libcamera sees (index, id, model, formats and sizes) and exit'
complete -c cam-send -l retry -d 'Keep trying while the receiver is not there yet, and reconnect when the connection drops (capped exponential backoff, at most 1 s between tries; a receiver that refuses the sender, busy or not allowed, is asked again after 1, 2, 4, 8, then every 10 s)'
complete -c cam-send -l raw -d 'Write the bare stream (Annex-B H.264, or concatenated JPEGs) with no length prefixes and no terminator, for receivers that expect exactly that (`ffplay -f h264 tcp://0.0.0.0:8000?listen`, VLC, a socket piped into mplayer)'
complete -c cam-send -l no-stamp -d 'Send payloads exactly as captured or read. By default each frame carries its capture time inside the payload (a JPEG comment or an H.264 SEI that decoders ignore), from which cam-recv reports latency'
complete -c cam-send -l loop -d 'With `files:`, start over at the first file after the last one'
complete -c cam-send -s q -l quiet -d 'No status line and no informational log lines; errors are still printed'
complete -c cam-send -s v -l verbose -d 'More log detail: -v adds debug lines (connections, camera configuration), -vv traces. RUST_LOG=debug does the same; NO_COLOR turns colour off'
complete -c cam-send -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cam-send -s V -l version -d 'Print version'

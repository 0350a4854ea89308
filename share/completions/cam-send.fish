complete -c cam-send -l to -d 'Receiver to stream to, as HOST:PORT (cam-recv listens on port 8000 by default)' -r
complete -c cam-send -l secs -d 'Stop after this many seconds (default: run until interrupted). A paced source captures exactly fps x SECS frames, counted from the first connection' -r
complete -c cam-send -l frames -d 'Stop after this many frames have been sent' -r
complete -c cam-send -l width -d 'Picture width in pixels (test pattern and camera) [default: 640]: even, 16 to 3840 for H.264 and at most 65500 for JPEG' -r
complete -c cam-send -l height -d 'Picture height in pixels (test pattern and camera) [default: 480]: even, 16 to 2160 for H.264 (3840 in portrait) and at most 65500 for JPEG' -r
complete -c cam-send -l fps -l framerate -d 'Frames per second [default: 30]. With `files:` and `stdin`, 0 sends as fast as the receiver takes them; `stdin` without --fps is sent as it comes, at the writer\'s pace. Also spelled --framerate, as in rpicam-vid' -r
complete -c cam-send -l codec -d 'How frames are encoded. With `--source stdin`, what the input stream is (MJPEG, or Annex-B H.264 cut into access units without re-encoding)' -r -f -a "jpeg\t'Baseline JPEG per frame (MJPEG): what the classic recipe sends'
h264\t'Baseline H.264 (OpenH264), one access unit per frame'"
complete -c cam-send -l bitrate -d 'H.264 target bit rate in bits per second, 10000 to 288000000 (default: about 0.1 bit per pixel per frame, e.g. 0.9 Mbit/s at 640x480 and 30 fps)' -r
complete -c cam-send -l keyframe-interval -l intra -d 'H.264: an IDR keyframe (with SPS and PPS) every this many frames (default: one per second; rpicam-vid calls it --intra). While --adapt has fitted the stream to a slow link and the receiver asks for a keyframe whenever it needs one (cam-recv does), they come 4 times as far apart: each costs a slow link the frames that wait while it goes' -r
complete -c cam-send -l quality -d 'JPEG quality, 1-100 (4:2:0 chroma subsampling)' -r
complete -c cam-send -l secret-file -d 'Prove to cam-recv that this sender holds the secret in FILE (the same contents as cam-recv\'s --secret-file). Or set CAMWIRE_SECRET_FILE, or the secret itself in CAMWIRE_SECRET' -r -F
complete -c cam-send -l tls-pin -d 'Speak TLS to a `cam-recv --tls`, and accept only the certificate with this fingerprint (cam-recv prints it at start: `SHA256:` and 64 hex digits)' -r
complete -c cam-send -l name -d 'The camera\'s name: 1 to 32 of a-z, 0-9, _ and -, e.g. garden. cam-recv files the stream under it (recordings, web page, summary). It goes on the wire (a `CAMWIRE HELLO` line before the first frame, protocol.md section 11) when given here, and with --secret-file or --tls-pin, which send this machine\'s host name, made safe, by default; then it is shown at start, in the status line and in the sent: line (camera=). Otherwise the stream stays byte for byte the classic one, which every picamera-recipe receiver reads, no name is shown, and cam-recv names the camera by its port or address' -r
complete -c cam-send -l max-latency -d 'How far behind capture a frame may fall and still be sent, in milliseconds. On a link slower than the stream (Wi-Fi at the edge of range), frames that would arrive later are dropped and the newest sent instead, so the picture stays live; H.264 then resumes on a fresh keyframe. Keep the default for watching; use 0 to send every frame in order however late (recording over a good link)' -r
complete -c cam-send -l stall-timeout -d 'A connection that takes no byte for this many seconds while frames wait is lost (a receiver that vanished without closing): one log line, then with --retry a reconnect, without it exit status 1' -r
complete -c cam-send -l adapt -d 'Fit the stream to the link (live, cam-send\'s own encoder: test pattern and camera): when the link carries less than the stream, lower the H.264 bit rate or the JPEG quality to a little under what it carries, then the frame rate, then the picture size (H.264: half as wide and high); back up to --bitrate or --quality within seconds when the link recovers. A link that keeps up is never touched. off: keep the configured rate and only drop frames' -r -f -a "true\t''
false\t''"
complete -c cam-send -l max-frame -d 'Largest frame the sender will put on the wire, in bytes: 65536 (64 KiB) to 1073741824 (1 GiB), as large as cam-recv\'s --max-frame or smaller' -r
complete -c cam-send -l rotation -d 'Turn the picture by 0 or 180 degrees (a camera mounted upside down); 180 is --hflip and --vflip together, as in rpicam-vid' -r
complete -c cam-send -l annotate -d 'Burn TEXT into the picture before encoding, light on a dark box: strftime fields are the capture time (local), %frame the frame\'s number, e.g. \'garden %Y-%m-%d %H:%M:%S #%frame\'. Test pattern and camera only. Characters outside ISO 8859-1 (Latin-1) are drawn as \'?\' (a warning says which)' -r
complete -c cam-send -l annotate-position -d 'The corner of the --annotate box' -r -f -a "top-left\t'Top left'
top-right\t'Top right'
bottom-left\t'Bottom left'
bottom-right\t'Bottom right'"
complete -c cam-send -l shutter -d 'Exposure time in microseconds (fixes it; 0: automatic). `10ms` and `0.5s` work too' -r
complete -c cam-send -l gain -d 'Analogue gain (fixes it; 0: automatic)' -r
complete -c cam-send -l ev -d 'Exposure compensation in stops, e.g. -1.5 or 2 (0: none)' -r
complete -c cam-send -l metering -d 'Metering mode: centre, spot, average or custom' -r
complete -c cam-send -l exposure -d 'Exposure mode: normal, sport (short), long or custom' -r
complete -c cam-send -l awb -d 'White balance mode: auto, incandescent, tungsten, fluorescent, indoor, daylight, cloudy or custom' -r
complete -c cam-send -l awbgains -d 'Fixed red and blue gains, e.g. 1.5,1.2 (turns automatic white balance off)' -r
complete -c cam-send -l brightness -d 'Brightness, -1.0 to 1.0 (0: normal)' -r
complete -c cam-send -l contrast -d 'Contrast (1.0: normal)' -r
complete -c cam-send -l saturation -d 'Colour saturation (1.0: normal, 0: greyscale)' -r
complete -c cam-send -l sharpness -d 'Sharpening (1.0: normal)' -r
complete -c cam-send -l denoise -d 'Denoise: auto (the camera\'s choice), off, cdn_off, cdn_fast or cdn_hq' -r
complete -c cam-send -l roi -d 'Region of interest (digital zoom) as fractions of the sensor, e.g. 0.25,0.25,0.5,0.5' -r
complete -c cam-send -l autofocus-mode -d 'Autofocus: manual, auto or continuous (default: the camera\'s choice)' -r
complete -c cam-send -l lens-position -d 'Lens position in dioptres (1/metres; 0: infinity); sets manual focus unless --autofocus-mode says otherwise' -r
complete -c cam-send -l flicker-period -d 'Cancel light flicker with this period in microseconds: 10000 for 50 Hz mains, 8333 for 60 Hz' -r
complete -c cam-send -l hdr -d 'High dynamic range: off; single-exp (Pi 5 multi-frame HDR); sensor, the Camera Module 3\'s own HDR; or auto, the sensor\'s if it has one' -r
complete -c cam-send -l tuning-file -d 'Camera tuning file for Raspberry Pi cameras (sets LIBCAMERA_RPI_TUNING_FILE)' -r
complete -c cam-send -l buffer-count -d 'Camera buffers in flight (default: the camera\'s own choice)' -r
complete -c cam-send -l set -d 'Any libcamera control by its libcamera name, e.g. --set AeEnable=false or --set ColourGains=1.5,1.2 (repeatable; see --list-cameras for each camera\'s controls)' -r
complete -c cam-send -l camera-timeout -d 'A camera that delivers no frame for this many seconds is stopped and started again inside cam-send (the connection stays; H.264 resumes on a keyframe). After 3 restarts in a row that do not last, cam-send gives up with exit status 1, unless --retry (then it keeps trying, backing off). Default: 5, or 4 frame times if longer' -r
complete -c cam-send -l source -d 'Where frames come from: `test` (built-in moving pattern), `test:noise` (built-in moving picture with a camera\'s detail and noise, which costs an encoder what a camera picture does: for link tests and benchmarks), `files:GLOB` (JPEG files in name order), `stdin` (an MJPEG or, with `--codec h264`, an Annex-B byte stream), or `libcamera[:INDEX|:ID]` (a camera; needs the `libcamera` build feature)' -r
complete -c cam-send -l list-cameras -d 'Print the cameras libcamera sees (index, id, model, formats and sizes) and exit'
complete -c cam-send -l retry -d 'Keep trying while the receiver is not there yet, and reconnect when the connection drops (capped exponential backoff, at most 1 s between tries; a receiver that refuses the sender, busy or not allowed, is asked again after 1, 2, 4, 8, then every 10 s)'
complete -c cam-send -l raw -d 'Write the bare stream (Annex-B H.264, or concatenated JPEGs) with no length prefixes and no terminator, for receivers that expect exactly that (`ffplay -f h264 tcp://0.0.0.0:8000?listen`, VLC, a socket piped into mplayer)'
complete -c cam-send -l no-stamp -d 'Send payloads exactly as captured or read. By default each frame carries its capture time inside the payload (a JPEG comment or an H.264 SEI that decoders ignore), from which cam-recv reports latency'
complete -c cam-send -l loop -d 'With `files:`, start over at the first file after the last one'
complete -c cam-send -s q -l quiet -d 'No status line and no informational log lines; errors are still printed'
complete -c cam-send -s v -l verbose -d 'More log detail: -v adds debug lines (connections, camera configuration), -vv traces. RUST_LOG=debug does the same; NO_COLOR turns colour off'
complete -c cam-send -l hflip -d 'Mirror the picture left to right (the camera\'s own flip when it has one, else in software before encoding)'
complete -c cam-send -l vflip -d 'Mirror the picture top to bottom'
complete -c cam-send -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cam-send -s V -l version -d 'Print version'

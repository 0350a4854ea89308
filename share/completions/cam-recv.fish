complete -c cam-recv -l listen -d 'Address to listen on for senders: ADDR:PORT (a host name such as localhost works too), :PORT or PORT for all interfaces' -r
complete -c cam-recv -l record -d 'Record every payload to FILE as it arrives, flushed per frame: `.mjpeg` (or `.mjpg`) for JPEG streams, `.h264` (or `.264`) for H.264. The file must not exist yet (see --overwrite); every stream of this run is appended to it, H.264 from its first IDR. A cut stream leaves a playable file' -r -F
complete -c cam-recv -l save-dir -d 'Write one file per frame into DIR: frame-000001.jpg, frame-000002.jpg, ... (mode 0640; existing files and links are never written through)' -r -F
complete -c cam-recv -l pipe -d 'Write the raw stream to the stdin of CMD. A bare `mplayer`, `mpv`, `ffplay` or `vlc` gets the arguments it needs to play it with low latency; anything else runs through the shell. A player that exits, or reads nothing for 10 s, is stopped with a warning and started again for the next stream. CAMWIRE_PIPE_EXTRA_ARGS adds arguments to a bare player\'s command line (e.g. `-vo null -ao null` runs mplayer without a window)' -r
complete -c cam-recv -l http -d 'Serve the live picture over HTTP on ADDR (`:8080`, `8080`, `0.0.0.0:8080` or `localhost:8080`): a page at /, MJPEG at /stream.mjpg, /snapshot.jpg and /status (JSON)' -r
complete -c cam-recv -l http-auth -d 'Ask web viewers for this user name and password (HTTP basic authentication). Over plain HTTP the password crosses the network readable: use on a trusted LAN. `ps` shows the command line to every user: prefer --http-auth-file or CAMWIRE_HTTP_AUTH' -r
complete -c cam-recv -l http-auth-file -d 'Like --http-auth, read from the first line of FILE' -r -F
complete -c cam-recv -l http-token -d 'Ask web viewers for this token: open http://HOST:PORT/?token=TOKEN once and the browser keeps a session cookie (or send `Authorization: Bearer TOKEN`). At least 16 letters, digits or -._~ (`openssl rand -hex 16` makes one). `ps` shows the command line to every user: prefer --http-token-file or CAMWIRE_HTTP_TOKEN' -r
complete -c cam-recv -l http-token-file -d 'Like --http-token, read from the first line of FILE' -r -F
complete -c cam-recv -l http-host -d 'Host names the web view answers to, besides IP addresses, `localhost` and this machine\'s name (also as NAME.local). Any other name in a request\'s Host gets 421, which stops pages elsewhere from pointing their own name at this machine (DNS rebinding)' -r
complete -c cam-recv -l max-viewers -d 'Web viewers served at once; one more gets a 503 saying so' -r
complete -c cam-recv -l idle-timeout -d 'Drop a sender that sends nothing for this many seconds' -r
complete -c cam-recv -l handshake-timeout -d 'Drop a new connection that has not delivered its first picture (a frame whose JPEG or H.264 header reads) within this many seconds; it never holds the sender slot meanwhile' -r
complete -c cam-recv -l allow -d 'Accept senders only from these addresses or networks, e.g. `192.168.1.0/24,10.0.0.7`. Anything else is refused with a log line. Default: anyone who can reach the port' -r
complete -c cam-recv -l max-frame -d 'Largest frame accepted, in bytes; a longer length prefix drops the sender' -r
complete -c cam-recv -l max-pixels -d 'Refuse pictures with more pixels than this, from their header, before decoding (a hostile header must not cost gigabytes). The default, 16 MP, is above every Raspberry Pi camera mode' -r
complete -c cam-recv -l once -d 'Exit after the first stream: status 0 only if it ended with the terminator and (with --verify) it held at least one frame and every frame was valid'
complete -c cam-recv -l verify -d 'Fully decode every frame and print one line per frame on stdout: `frame <n>: <w>x<h> jpeg ok latency=<ms>`, `frame <n>: <w>x<h> h264 ok idr latency=<ms>` or `frame <n>: invalid (<reason>)` (`latency=` only when the sender stamps frames)'
complete -c cam-recv -l overwrite -d 'With --record: replace FILE if it exists, instead of refusing to start'
complete -c cam-recv -l display -d 'Show the live picture in a window (needs an X display). Closing the window or pressing Esc ends this sink, and the receiver when it was the only one'
complete -c cam-recv -s q -l quiet -d 'No status line and no informational log lines; results and errors are still printed'
complete -c cam-recv -s v -l verbose -d 'More log detail: -v adds debug lines (connections, sink start and stop), -vv traces. RUST_LOG=debug does the same; NO_COLOR turns colour off'
complete -c cam-recv -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cam-recv -s V -l version -d 'Print version'

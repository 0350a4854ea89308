_cam__send() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="cam__send"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        cam__send)
            opts="-q -v -h -V --to --list-cameras --secs --frames --retry --width --height --framerate --fps --codec --bitrate --intra --keyframe-interval --raw --no-stamp --quality --loop --secret-file --tls-pin --name --max-latency --stall-timeout --adapt --max-frame --quiet --verbose --hflip --vflip --rotation --annotate --annotate-position --shutter --gain --ev --metering --exposure --awb --awbgains --brightness --contrast --saturation --sharpness --denoise --roi --autofocus-mode --lens-position --flicker-period --hdr --tuning-file --buffer-count --set --camera-timeout --source --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secs)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --frames)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --width)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --height)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --fps)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --framerate)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --codec)
                    COMPREPLY=($(compgen -W "jpeg h264" -- "${cur}"))
                    return 0
                    ;;
                --bitrate)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --keyframe-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --intra)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --quality)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --secret-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-pin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-latency)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stall-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --adapt)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --max-frame)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --annotate)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --annotate-position)
                    COMPREPLY=($(compgen -W "top-left top-right bottom-left bottom-right" -- "${cur}"))
                    return 0
                    ;;
                --shutter)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --gain)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ev)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metering)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --exposure)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --awb)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --awbgains)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --brightness)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --contrast)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --saturation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sharpness)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --denoise)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --roi)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --autofocus-mode)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lens-position)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --flicker-period)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hdr)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tuning-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --buffer-count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --set)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --camera-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --source)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _cam__send -o nosort -o bashdefault -o default cam-send
else
    complete -F _cam__send -o bashdefault -o default cam-send
fi

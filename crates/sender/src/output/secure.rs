//! The connection beneath the frames: plain TCP, or TLS to a receiver whose
//! certificate is pinned by fingerprint (`--tls-pin`), then the secret
//! challenge (`--secret-file`), both as protocol.md ("Who may send") says, then
//! the camera's hello (`--name`, section 11). Without those options the socket
//! is used as it is and the classic stream is untouched.

use std::{
    io,
    io::IoSlice,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::Duration,
};

use camwire_wire::{
    channel,
    handshake::{self, fingerprint},
    HandshakeError, Hello,
};
use rustls::{
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms},
    pki_types::{CertificateDer, ServerName, UnixTime},
    CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, AsyncWriteExt, WriteHalf},
    net::{
        tcp::{OwnedReadHalf, OwnedWriteHalf},
        TcpStream,
    },
    time::timeout,
};
use tokio_rustls::{client::TlsStream, TlsConnector};
use tokio_util::either::Either;

use crate::config::Config;

/// The socket frames are written to.
pub(crate) type Secured = Either<TcpStream, TlsStream<TcpStream>>;

/// How long the sender waits for the TLS handshake, and for the secret
/// handshake. A receiver that speaks TLS or asks for a secret answers at
/// once; a plain one says nothing and drops the connection after its
/// `--handshake-timeout` (5 s by default). Waiting less than that lets the
/// sender say what is wrong instead of reporting a closed connection.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a connection could not be set up.
#[derive(Debug)]
pub(crate) enum SetupError {
    /// Worth another try with `--retry`: the receiver is not there (yet), or went away.
    Transient(io::Error),
    /// The receiver answered `CAMWIRE REFUSED <reason>`.
    Refused(String),
    /// Trying again cannot help: another certificate than the pin, not a
    /// camwire receiver, no TLS where TLS was asked for.
    Fatal(String),
}

impl From<io::Error> for SetupError {
    fn from(e: io::Error) -> Self {
        Self::Transient(e)
    }
}

/// Takes a connected socket through TLS and the secret challenge, as configured.
pub(crate) async fn secure(sock: TcpStream, config: &Config) -> Result<Secured, SetupError> {
    let mut link = match &config.tls_pin {
        None => Either::Left(sock),
        Some(pin) => Either::Right(tls(sock, pin, &config.to).await?),
    };
    if let Some(secret) = &config.secret {
        match timeout(HANDSHAKE_TIMEOUT, handshake::answer(&mut link, secret)).await {
            Ok(Ok(())) => {}
            Ok(Err(HandshakeError::Refused(reason))) => return Err(SetupError::Refused(reason)),
            Ok(Err(HandshakeError::Io(e))) => return Err(SetupError::Transient(e)),
            Ok(Err(HandshakeError::Closed)) => {
                return Err(SetupError::Transient(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "the receiver closed the connection without a secret challenge: it does not ask for one \
                     (start cam-recv with --secret-file, or leave --secret-file off here), or it runs with --tls \
                     (add --tls-pin)",
                )))
            }
            Ok(Err(e)) => {
                return Err(SetupError::Fatal(format!(
                    "{}: {e}: is it a cam-recv started with --secret-file?",
                    config.to
                )))
            }
            Err(_) => {
                return Err(SetupError::Fatal(format!(
                    "{} sent no secret challenge within {} s: it does not ask for one (start cam-recv with \
                     --secret-file, or leave --secret-file off here)",
                    config.to,
                    HANDSHAKE_TIMEOUT.as_secs()
                )))
            }
        }
    }
    if config.say_name {
        // Before the first frame, and nothing to wait for: frames may follow at once.
        // It offers the back channel (protocol.md, section 12): a receiver
        // that knows it may ask for keyframes; one that does not ignores the key.
        let hello = Hello::named(config.name.clone())
            .with_field(channel::OFFER_KEY, &channel::VERSION.to_string())
            .expect("a camera name and the channel offer fit in a hello line");
        link.write_all(&hello.encode()).await?;
        link.flush().await?;
    }
    Ok(link)
}

/// What to do about a refusal, for the reasons the secret and TLS give.
pub(crate) fn hint(reason: &str) -> &'static str {
    match reason {
        "wrong secret" => " (cam-send's --secret-file must hold the same secret as cam-recv's)",
        "a secret is required (cam-send --secret-file)" => " (give cam-send the receiver's secret)",
        "TLS required (cam-send --tls-pin)" => " (pin the fingerprint cam-recv prints at start)",
        _ => "",
    }
}

/// TLS 1.3 to a receiver whose certificate has exactly the fingerprint `pin`.
async fn tls(sock: TcpStream, pin: &str, to: &str) -> Result<TlsStream<TcpStream>, SetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinVerifier {
        pin: pin.to_string(),
        seen: Mutex::new(None),
        algorithms: provider.signature_verification_algorithms,
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| SetupError::Fatal(format!("TLS set-up: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    // The pin, not the name, identifies the receiver; its certificate names itself "camwire".
    let name = ServerName::try_from("camwire").expect("a valid DNS name");
    let connecting = TlsConnector::from(Arc::new(config)).connect(name, sock);
    let result = timeout(HANDSHAKE_TIMEOUT, connecting).await.unwrap_or_else(|_| {
        Err(io::Error::new(io::ErrorKind::TimedOut, format!("no TLS answer within {} s", HANDSHAKE_TIMEOUT.as_secs())))
    });
    result.map_err(|e| {
        if let Some(seen) = verifier.seen.lock().expect("pin lock").take() {
            return SetupError::Fatal(format!(
                "{to} presented certificate {seen}, but --tls-pin is {pin}: refusing it (if cam-recv made a new \
                 certificate, pin the fingerprint it prints at start)"
            ));
        }
        match e.kind() {
            io::ErrorKind::InvalidData | io::ErrorKind::TimedOut => {
                SetupError::Fatal(format!("TLS handshake with {to} failed: {e}: is cam-recv started with --tls?"))
            }
            io::ErrorKind::UnexpectedEof => SetupError::Transient(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the receiver closed the connection during the TLS handshake: is cam-recv started with --tls?",
            )),
            _ => SetupError::Transient(e),
        }
    })
}

/// Accepts exactly the certificate whose SHA-256 fingerprint is the pin, and
/// checks that the receiver holds its key (the handshake signatures).
#[derive(Debug)]
struct PinVerifier {
    pin: String,
    /// The fingerprint of a certificate that did not match, for the error.
    seen: Mutex<Option<String>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint(end_entity);
        if seen == self.pin {
            return Ok(ServerCertVerified::assertion());
        }
        *self.seen.lock().expect("pin lock") = Some(seen);
        Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The write half of a connection, plain or TLS, with the non-blocking
/// write that `Link` hands frames over with.
#[derive(Debug)]
pub(crate) enum Writer {
    /// Plain TCP.
    Plain(OwnedWriteHalf),
    /// TLS: bytes taken are in rustls's buffer (at most 64 KiB) or on the socket.
    Tls(WriteHalf<TlsStream<TcpStream>>),
}

/// Splits a connection into the half `Link` listens on and the half it writes to.
pub(crate) fn split(link: Secured) -> (Box<dyn AsyncRead + Send + Unpin>, Writer) {
    match link {
        Either::Left(tcp) => {
            let (read, write): (OwnedReadHalf, OwnedWriteHalf) = tcp.into_split();
            (Box::new(read), Writer::Plain(write))
        }
        Either::Right(tls) => {
            let (read, write) = tokio::io::split(tls);
            (Box::new(read), Writer::Tls(write))
        }
    }
}

impl Writer {
    /// Writes what the connection takes now; `WouldBlock` when it takes nothing.
    pub fn try_write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Self::Plain(w) => w.try_write_vectored(bufs),
            Self::Tls(w) => {
                let mut cx = Context::from_waker(std::task::Waker::noop());
                match Pin::new(w).poll_write_vectored(&mut cx, bufs) {
                    Poll::Ready(r) => r,
                    Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
                }
            }
        }
    }

    /// Waits until the connection may take bytes again (TLS: until what
    /// rustls holds is on the socket).
    pub async fn writable(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(w) => w.writable().await,
            Self::Tls(w) => w.flush().await,
        }
    }

    /// Closes our side (TLS: close_notify first).
    pub async fn shutdown(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(w) => w.shutdown().await,
            Self::Tls(w) => w.shutdown().await,
        }
    }
}

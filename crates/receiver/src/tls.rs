//! TLS on the frame port (`--tls`): the receiver's own self-signed
//! certificate, made on first start and kept in a state directory, so its
//! fingerprint stays the same and senders can pin it (`cam-send --tls-pin`).
//! No certificate authority is involved: the pin is the trust.

use std::{
    fs::{DirBuilder, OpenOptions},
    io::Write,
    os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::{bail, Context, Result};
use rustls::{
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    ServerConfig,
};
use tracing::{info, warn};

/// The private key's file in the TLS directory (mode 0600).
pub const KEY_FILE: &str = "tls-key.pem";
/// The certificate's file in the TLS directory (mode 0600).
pub const CERT_FILE: &str = "tls-cert.pem";

/// Where the certificate lives unless `--tls-dir` says: systemd's
/// `$STATE_DIRECTORY`, else `$XDG_STATE_HOME/camwire`, else
/// `~/.local/state/camwire`, else `/var/lib/camwire`.
pub fn default_dir() -> PathBuf {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("STATE_DIRECTORY") {
        return dir;
    }
    if let Some(dir) = var("XDG_STATE_HOME") {
        return dir.join("camwire");
    }
    match var("HOME") {
        Some(home) => home.join(".local/state/camwire"),
        None => PathBuf::from("/var/lib/camwire"),
    }
}

/// Loads the certificate and key from `dir`, or makes and stores them there
/// on first start; returns the TLS configuration and the certificate's
/// fingerprint (`SHA256:<hex>`).
pub(crate) fn load_or_create(dir: &Path) -> Result<(Arc<ServerConfig>, String)> {
    let (key_path, cert_path) = (dir.join(KEY_FILE), dir.join(CERT_FILE));
    let (cert, key) = match (key_path.exists(), cert_path.exists()) {
        (true, true) => load(&key_path, &cert_path)?,
        (false, false) => create(dir, &key_path, &cert_path)?,
        _ => bail!(
            "{} holds only one of {KEY_FILE} and {CERT_FILE}: remove it to make a new certificate \
             (senders then need the new --tls-pin)",
            dir.display()
        ),
    };
    let fingerprint = camwire_wire::handshake::fingerprint(&cert);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .context("TLS 1.3 with ring")?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .with_context(|| format!("the TLS key and certificate in {} do not fit together", dir.display()))?;
    // No session tickets: a sender never resumes, and a ticket it never reads
    // would make its close a reset that can cut the end of its stream.
    config.send_tls13_tickets = 0;
    Ok((Arc::new(config), fingerprint))
}

fn load(key_path: &Path, cert_path: &Path) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>)> {
    let mode = std::fs::metadata(key_path)?.permissions().mode();
    if mode & 0o077 != 0 {
        warn!("{} is readable by others (mode {:o}): chmod 600 it", key_path.display(), mode & 0o777);
    }
    let key = PrivateKeyDer::from_pem_file(key_path)
        .with_context(|| format!("cannot read the TLS key {}", key_path.display()))?;
    let cert = CertificateDer::from_pem_file(cert_path)
        .with_context(|| format!("cannot read the TLS certificate {}", cert_path.display()))?;
    Ok((cert, key))
}

fn create(dir: &Path, key_path: &Path, cert_path: &Path) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>)> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the TLS directory {} (choose one with --tls-dir)", dir.display()))?;
    let made = rcgen::generate_simple_self_signed(vec!["camwire".to_string()]).context("making a TLS certificate")?;
    write_private(key_path, made.key_pair.serialize_pem().as_bytes())?;
    write_private(cert_path, made.cert.pem().as_bytes())?;
    info!("made a new TLS certificate in {}", dir.display());
    let key = PrivateKeyDer::try_from(made.key_pair.serialize_der()).map_err(anyhow::Error::msg)?;
    Ok((made.cert.der().clone(), key))
}

/// Creates `path` readable by its owner only; never replaces an existing file.
fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(data).and_then(|()| file.sync_all()).with_context(|| format!("cannot write {}", path.display()))
}

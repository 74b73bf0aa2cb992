//! Files people download: tabular exports (CSV, XLSX), the certificate PDF and QR codes. Pure
//! producers of bytes: nothing here reads the database or knows a feature.

pub mod layout;
pub mod pdf;
pub mod qr;
pub mod table;
pub mod writer;

pub use pdf::{certificate_pdf, CertificateDoc, RenderError};
pub use qr::{qr_png, qr_svg};
pub use table::*;
pub use writer::TableWriter;

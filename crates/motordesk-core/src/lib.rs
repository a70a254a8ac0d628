//! MotorDesk's core: the shop's own rules (money, IGV, totals, amount in words, document
//! numbering, RUC/DNI, plates, odometer, maintenance), the record types the kiosk and the
//! server both store, the sync wire protocol and the hybrid logical clock.
//!
//! Nothing here does I/O, reads the clock or touches a database, a window or the network:
//! tests call it directly, and every other MotorDesk crate depends on it, never the
//! other way round. Modules are private; this file is the surface.

mod backoff;
mod cash_drawer;
mod clock;
mod customer;
mod dashboard;
mod document;
mod error;
mod fiscal;
mod identity;
mod invoice;
mod limits;
mod lookup;
mod maintenance;
mod money;
mod payment;
mod product;
pub mod protocol;
mod record;
mod reminders;
mod tax;
mod time;
mod user;
mod vehicle;
mod words;

pub use backoff::{retry_ceiling, retry_delay};
pub use cash_drawer::{
    CashMovement, MAX_DRAWER_AMOUNT, MAX_MOVEMENTS, MethodTotals, MovementKind, ShiftTally,
    check_drawer_amount, check_movement, expected_cash,
};
pub use clock::Hlc;
pub use customer::{Customer, fold};
pub use dashboard::{
    DASHBOARD_DAYS, Dashboard, DayTotal, FactLine, ItemTotal, MixKey, PeriodFigures, Ranking,
    SaleFact, TOP_ITEMS, summarize, window_start, window_start_utc,
};
pub use document::{DocumentKind, DocumentNumber, MAX_CORRELATIVE, Series, SeriesSet};
pub use error::DomainError;
pub use fiscal::{
    DeadlineKind, FiscalError, FiscalState, SendUrgency, deadline, send_urgency, void_allowed,
};
pub use identity::{IdDocument, IdKind, ruc_check_digit, ruc_from_dni, validate_dni, validate_ruc};
pub use invoice::{
    BOLETA_ANONYMOUS_LIMIT, Buyer, Cuota, DETRACCION_CODE_MAINTENANCE,
    DETRACCION_PERCENT_MAINTENANCE, DETRACCION_THRESHOLD, Detraccion, Invoice, InvoiceDraft,
    Modifies, NoteReason, PaymentTerms, SaleLine, ServicedVehicle, Unit, check_credit_room,
    detraccion_due,
};
pub use limits::{
    MAX_ADDRESS, MAX_CODE, MAX_DESCRIPTION, MAX_EMAIL, MAX_LINES, MAX_NAME, MAX_NOTES, MAX_PHONE,
    MAX_SHORT, check_len,
};
pub use lookup::{
    LOOKUP_PREFIX, LookupKind, LookupResult, MAX_LOOKUP_BODY, MAX_STATUS, TaxpayerStatus, Ubigeo,
    clean_text, lookup_number,
};
pub use maintenance::{Alert, AlertKind, SOON_DAYS, SOON_KM, Urgency, alerts};
pub use money::{parse_amount, plain, round2, size_text, soles, thousands};
pub use payment::{Payment, PaymentMethod, PaymentPart};
pub use product::Product;
pub use record::{Record, RecordKind, RecordMeta, Stored, SyncStatus};
pub use reminders::{
    ContactMark, MAX_CONTACT_MARKS, PERU_CODE, PhoneProblem, REMINDER_DAYS, mark_contacted,
    peru_mobile, reminders, wa_me_link, whatsapp_text,
};
pub use tax::{IGV_RATE, LineAmounts, LineInput, TaxAffectation, Totals, compute_totals};
pub use time::{lima, lima_date, lima_display, to_lima};
pub use user::{Role, User};
pub use vehicle::{
    IMPLAUSIBLE_JUMP_KM, OdometerCheck, OdometerReading, Plate, Vehicle, check_odometer,
};
pub use words::{amount_in_words, integer_in_words};

import CleverTapCore

/// CleverTap's reserved profile keys (spec §3.1), offered first when Person Attributes are built
/// key by key, with the event trait names that usually feed them and the format CleverTap checks.
struct ProfileKey: Sendable, Hashable {
    /// Key exactly as CleverTap expects it (`Name`, `Email`, `MSG-email`).
    var key: String
    /// What the value should be, in words, for the editor's help line.
    var expectation: String
    /// Trait names (lowercase) that usually hold this value, to rank path suggestions.
    var traitNames: [String]

    static let reserved: [ProfileKey] = [
        ProfileKey(key: "Name", expectation: "text", traitNames: ["name", "full_name", "fullname"]),
        ProfileKey(key: "Email", expectation: "an email address", traitNames: ["email", "email_address"]),
        ProfileKey(key: "Phone", expectation: "+ and country code, e.g. +14155551234", traitNames: ["phone", "phone_number", "mobile"]),
        ProfileKey(key: "Gender", expectation: "M or F", traitNames: ["gender", "sex"]),
        ProfileKey(key: "DOB", expectation: "a date, sent as $D_<seconds>", traitNames: ["birthday", "dob", "date_of_birth", "birthdate"]),
        ProfileKey(key: "Age", expectation: "a number", traitNames: ["age"]),
        ProfileKey(key: "Photo", expectation: "an image URL", traitNames: ["avatar", "photo", "picture", "image"]),
        ProfileKey(key: "Employed", expectation: "Y or N", traitNames: ["employed"]),
        ProfileKey(key: "Education", expectation: "School, College or Graduate", traitNames: ["education"]),
        ProfileKey(key: "Married", expectation: "Y or N", traitNames: ["married"]),
        ProfileKey(key: "Customer Type", expectation: "text", traitNames: ["customer_type", "plan"]),
        ProfileKey(key: "MSG-email", expectation: "true or false (email opt-in)", traitNames: ["newsletter", "email_opt_in"]),
        ProfileKey(key: "MSG-push", expectation: "true or false (push opt-in)", traitNames: ["push_opt_in"]),
        ProfileKey(key: "MSG-sms", expectation: "true or false (SMS opt-in)", traitNames: ["sms_opt_in"]),
        ProfileKey(key: "MSG-whatsapp", expectation: "true or false (WhatsApp opt-in)", traitNames: ["whatsapp_opt_in"]),
    ]

    static func named(_ key: String) -> ProfileKey? { reserved.first { $0.key == key } }
}

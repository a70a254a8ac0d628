//! A tiny XML writer whose output is already in inclusive Canonical XML 1.0 form.
//!
//! We write the whole document ourselves, so instead of parsing it again to canonicalise it
//! before signing, we write it canonical from the start: attributes sorted (all ours are
//! unqualified, so by name), namespace declarations only on the root and sorted with the
//! default one first, no self-closing tags, no whitespace between elements, and C14N
//! escaping (`&amp; &lt; &gt; &#xD;` in text; `&amp; &lt; &quot; &#x9; &#xA; &#xD;` in
//! attributes). The digest of the document is then simply SHA-256 of these bytes.

/// Appends canonical XML to a `String`.
pub(crate) struct Xml {
    buf: String,
}

impl Xml {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Xml {
            buf: String::with_capacity(n),
        }
    }

    pub(crate) fn into_string(self) -> String {
        self.buf
    }

    /// Raw, already-canonical markup (only for constant strings of this crate).
    pub(crate) fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// `<name a="v" ...>` with attributes put in C14N order.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(name);
        if attrs.len() <= 1 {
            for (k, v) in attrs {
                self.attr(k, v);
            }
        } else {
            let mut sorted: Vec<&(&str, &str)> = attrs.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in sorted {
                self.attr(k, v);
            }
        }
        self.buf.push('>');
    }

    fn attr(&mut self, k: &str, v: &str) {
        self.buf.push(' ');
        self.buf.push_str(k);
        self.buf.push_str("=\"");
        escape_attr(v, &mut self.buf);
        self.buf.push('"');
    }

    /// `</name>`.
    pub(crate) fn close(&mut self, name: &str) {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
    }

    /// Escaped character data.
    pub(crate) fn text(&mut self, s: &str) {
        escape_text(s, &mut self.buf);
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }

    /// `<name>text</name>` without attributes.
    pub(crate) fn el(&mut self, name: &str, text: &str) {
        self.leaf(name, &[], text);
    }
}

/// C14N text escaping.
pub(crate) fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// C14N attribute value escaping.
pub(crate) fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_sorted_and_escaped() {
        let mut x = Xml::with_capacity(64);
        x.leaf(
            "a",
            &[
                ("schemeURI", "u"),
                ("schemeID", "6"),
                ("schemeAgencyName", "\"&<"),
            ],
            "a&b<c>d\r'\"",
        );
        assert_eq!(
            x.into_string(),
            "<a schemeAgencyName=\"&quot;&amp;&lt;\" schemeID=\"6\" schemeURI=\"u\">a&amp;b&lt;c&gt;d&#xD;'\"</a>"
        );
    }
}

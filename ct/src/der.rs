//! Where a PKCS#8 RSA key's private integers sit in its DER: the ranges of
//! the contents of d, p, q, dP, dQ and qInv (RFC 5208's PrivateKeyInfo
//! around RFC 8017's RSAPrivateKey). Tags and lengths are not included:
//! they follow from the key's size (and the leading bits of each number,
//! which the DER the user holds shows as well). A test harness's walker,
//! for well-formed keys only: it panics on anything else.

use core::ops::Range;

/// One TLV at `at`: (tag, the contents' range, the next TLV's offset).
fn tlv(der: &[u8], at: usize) -> (u8, Range<usize>, usize) {
    let tag = der[at];
    let first = der[at + 1];
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        let len = der[at + 2..at + 2 + n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + n)
    };
    let start = at + header;
    (tag, start..start + len, start + len)
}

/// The contents of d, p, q, dP, dQ and qInv, in that order.
pub fn private_integers(der: &[u8]) -> Vec<Range<usize>> {
    let (tag, info, _) = tlv(der, 0);
    assert_eq!(tag, 0x30, "PrivateKeyInfo is a SEQUENCE");
    let (_, _, next) = tlv(der, info.start); // version
    let (_, _, next) = tlv(der, next); // AlgorithmIdentifier
    let (tag, octets, _) = tlv(der, next);
    assert_eq!(tag, 0x04, "privateKey is an OCTET STRING");
    let (tag, rsa, _) = tlv(der, octets.start);
    assert_eq!(tag, 0x30, "RSAPrivateKey is a SEQUENCE");
    let mut at = rsa.start;
    let mut integers = Vec::new();
    while at < rsa.end {
        let (tag, contents, next) = tlv(der, at);
        assert_eq!(tag, 0x02, "RSAPrivateKey holds INTEGERs");
        integers.push(contents);
        at = next;
    }
    // version, n, e, then the six secrets.
    assert_eq!(integers.len(), 9, "a two-prime RSAPrivateKey");
    integers.split_off(3)
}

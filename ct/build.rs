//! Builds the valgrind client-request shim (shim.c). The headers come with
//! Debian's `valgrind` package, which scripts/setup.sh installs.
fn main() {
    println!("cargo:rerun-if-changed=shim.c");
    cc::Build::new()
        .file("shim.c")
        .warnings(true)
        .compile("iamjwt_ct_shim");
}

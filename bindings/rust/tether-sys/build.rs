//! Finds libtether with the `pkg-config` program (honouring PKG_CONFIG_PATH)
//! and tells cargo how to link it. No dependencies: it runs the program
//! itself and reads its output. Without the `link` feature it does nothing:
//! a library served by tether uses only the declarations, and must neither
//! link libtether nor need it installed to build.

use std::env;
use std::process::Command;

fn pkg_config(args: &[&str]) -> String {
    let program = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let output = match Command::new(&program).args(args).arg("tether").output() {
        Ok(output) => output,
        Err(err) => panic!(
            "tether-sys: could not run `{}` ({}); install pkg-config, or set PKG_CONFIG \
             to its path",
            program, err
        ),
    };
    if !output.status.success() {
        panic!(
            "tether-sys: `{} {} tether` failed: pkg-config cannot find tether.\n\
             Install tether (cmake --install build/release --prefix PREFIX) and set \
             PKG_CONFIG_PATH=PREFIX/lib/pkgconfig (now: {:?}).\n{}",
            program,
            args.join(" "),
            env::var("PKG_CONFIG_PATH").unwrap_or_default(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout).expect("tether-sys: pkg-config printed non-UTF-8 output")
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG");
    if env::var_os("CARGO_FEATURE_LINK").is_none() {
        return;
    }

    let libs = pkg_config(&["--libs-only-L", "--libs-only-l"]);
    let mut linked = false;
    for token in libs.split_whitespace() {
        if let Some(dir) = token.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
        } else if let Some(lib) = token.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", lib);
            linked |= lib == "tether";
        }
    }
    if !linked {
        println!("cargo:rustc-link-lib=tether");
    }

    let includedir = pkg_config(&["--variable=includedir"]);
    let includedir = includedir.trim();
    if !includedir.is_empty() {
        println!("cargo:include={}", includedir);
    }
}

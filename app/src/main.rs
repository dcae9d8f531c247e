//! The field app's entry point. On the web the same module also runs as the
//! storage worker; see `app::platform`.

fn main() {
    app::platform::start();
}

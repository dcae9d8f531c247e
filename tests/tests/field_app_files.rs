//! The field app's files as a phone on a slow network gets them: the
//! module precompressed (brotli, else gzip), built files cached for a year
//! under their build's hashed folder, the page and its scripts revalidated.

use tests::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_module_goes_compressed_and_built_files_are_immutable() {
    let web = tempfile::tempdir().expect("web dir");
    let pkg = web.path().join("pkg-0123456789ab");
    std::fs::create_dir_all(&pkg).expect("pkg");
    let module = vec![0u8; 64 * 1024];
    std::fs::write(pkg.join("palier-app_bg.wasm"), &module).expect("wasm");
    std::fs::write(pkg.join("palier-app_bg.wasm.br"), b"brotli bytes").expect("br");
    std::fs::write(pkg.join("palier-app_bg.wasm.gz"), b"gzip bytes").expect("gz");
    std::fs::write(web.path().join("index.html"), "<!DOCTYPE html>").expect("index");
    let dir = web.path().to_path_buf();
    let server = TestServer::start_with(move |c| c.web = dir).await;
    // reqwest built without decompression: the bytes as they travel.
    let client = reqwest::Client::new();
    let get = |path: &'static str, encoding: &'static str| {
        client
            .get(format!("{}{path}", server.url))
            .header("accept-encoding", encoding)
            .send()
    };

    let br = get("/pkg-0123456789ab/palier-app_bg.wasm", "gzip, deflate, br")
        .await
        .expect("get");
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(br.bytes().await.expect("body").as_ref(), b"brotli bytes");

    let gz = get("/pkg-0123456789ab/palier-app_bg.wasm", "gzip")
        .await
        .expect("get");
    assert_eq!(gz.headers()["content-encoding"], "gzip");

    let plain = get("/pkg-0123456789ab/palier-app_bg.wasm", "identity")
        .await
        .expect("get");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.expect("body").len(), module.len());

    let page = get("/", "br").await.expect("get");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-cache");
    // A file that is not there is not cached for a year.
    let missing = get("/pkg-0123456789ab/nope.js", "br").await.expect("get");
    assert_eq!(missing.status(), 404);
    assert_ne!(
        missing.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    server.stop().await;
}

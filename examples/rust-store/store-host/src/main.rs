//! store-host: a tokio program serving store-tether through tether.
//!
//! ```text
//! store-host LIBRARY DATABASE [--lanes N] [--tasks N] [--rounds N]
//! ```
//!
//! Many tokio tasks put keys of their own and read them back. The tether
//! crate's call is blocking for now, so each call runs in
//! `spawn_blocking`: tokio's blocking pool grows and shrinks threads as it
//! likes, and the store still runs only on tether's lanes. At the end it
//! checks that a bad payload is the store's BAD_PAYLOAD error, that every
//! write is readable, that the store built one session per lane, and that
//! no tether buffer is left live. Exits non-zero otherwise.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;

use store::wire::{self, Request, Stats};
use tether::{Config, Key, Runtime, Status};

struct Options {
    library: String,
    database: String,
    lanes: u32,
    tasks: usize,
    rounds: usize,
}

fn parse(args: &[String]) -> Result<Options, String> {
    if args.len() < 2 {
        return Err(
            "usage: store-host LIBRARY DATABASE [--lanes N] [--tasks N] [--rounds N]".into(),
        );
    }
    let mut options = Options {
        library: args[0].clone(),
        database: args[1].clone(),
        lanes: 2,
        tasks: 1000,
        rounds: 10,
    };
    let mut rest = args[2..].iter();
    while let Some(flag) = rest.next() {
        let value = rest
            .next()
            .ok_or_else(|| format!("{} needs a value", flag))?;
        let number: usize = value
            .parse()
            .map_err(|_| format!("{} {}: not a count", flag, value))?;
        match flag.as_str() {
            "--lanes" => options.lanes = number as u32,
            "--tasks" => options.tasks = number,
            "--rounds" => options.rounds = number,
            _ => return Err(format!("unknown flag {}", flag)),
        }
    }
    Ok(options)
}

/// The tether key for a store key: FNV-1a 64 with the top bit cleared, so
/// one key's calls run on one lane.
fn affinity(key: &[u8]) -> Key {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in key {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    Key::Of(hash & 0x7fff_ffff_ffff_ffff)
}

async fn call(runtime: &Arc<Runtime>, key: Key, request: Request<'_>) -> tether::Result<Vec<u8>> {
    let (method, payload) = request.encode();
    let runtime = runtime.clone();
    tokio::task::spawn_blocking(move || {
        runtime
            .call_blocking(method, key, &payload)
            .map(|b| b.into_vec())
    })
    .await
    .expect("a blocking call panicked")
}

fn key_of(task: usize, round: usize) -> Vec<u8> {
    format!("task{:05}/r{:03}", task, round).into_bytes()
}

fn value_of(task: usize, round: usize) -> Vec<u8> {
    format!("value {}.{}", task, round).into_bytes()
}

/// Puts and reads back this task's keys; returns how many came back wrong.
async fn exercise(runtime: Arc<Runtime>, task: usize, rounds: usize) -> tether::Result<usize> {
    let mut wrong = 0;
    for round in 0..rounds {
        let (key, value) = (key_of(task, round), value_of(task, round));
        call(
            &runtime,
            affinity(&key),
            Request::Put {
                key: &key,
                value: &value,
            },
        )
        .await?;
        if call(&runtime, affinity(&key), Request::Get { key: &key }).await? != value {
            wrong += 1;
        }
    }
    Ok(wrong)
}

/// STATS with keys until `lanes` distinct sessions answered; the count of
/// sessions built, process-wide.
async fn sessions_built(runtime: &Arc<Runtime>, lanes: u32) -> Result<u64, String> {
    let mut seen = HashSet::new();
    let mut built = 0;
    for probe in 0..100_000u64 {
        if seen.len() == lanes as usize {
            return Ok(built);
        }
        let reply = call(runtime, Key::Of(probe), Request::Stats)
            .await
            .map_err(|e| e.to_string())?;
        let stats = Stats::decode(&reply).map_err(|e| e.to_string())?;
        seen.insert(stats.session_id);
        built = stats.sessions_created;
    }
    Err(format!(
        "only {} of {} lanes answered STATS",
        seen.len(),
        lanes
    ))
}

async fn run(options: Options) -> Result<(), String> {
    let config = Config::new().lanes(options.lanes);
    let runtime = Arc::new(
        Runtime::open_path(&options.library, "tether_store_library", &config)
            .map_err(|e| e.to_string())?,
    );
    let mut failures = Vec::new();

    let (method, _) = Request::Get { key: b"" }.encode();
    let bad = runtime.call_blocking(method, Key::Any, &[9, 0, 0]);
    match bad {
        Err(e)
            if e.status() == Status::Library
                && e.library_code() == wire::Code::BadPayload as i32 =>
        {
            println!("GET with a 3-byte payload: {} -- OK", e)
        }
        other => failures.push(format!(
            "GET with a 3-byte payload answered {:?}",
            other.map(|b| b.len())
        )),
    }

    let tasks: Vec<_> = (0..options.tasks)
        .map(|task| tokio::spawn(exercise(runtime.clone(), task, options.rounds)))
        .collect();
    let mut wrong = 0;
    for task in tasks {
        match task.await.expect("a task panicked") {
            Ok(n) => wrong += n,
            Err(e) => failures.push(format!("a task failed: {}", e)),
        }
    }
    println!(
        "{} tasks x {} rounds of put+get on {} lanes: {} wrong",
        options.tasks, options.rounds, options.lanes, wrong
    );
    if wrong != 0 {
        failures.push(format!("{} reads did not return what was written", wrong));
    }

    let mut unreadable = 0;
    for task in 0..options.tasks {
        for round in 0..options.rounds {
            let key = key_of(task, round);
            match call(&runtime, affinity(&key), Request::Get { key: &key }).await {
                Ok(value) if value == value_of(task, round) => {}
                _ => unreadable += 1,
            }
        }
    }
    println!("every write read again: {} not readable", unreadable);
    if unreadable != 0 {
        failures.push(format!(
            "{} writes were not readable afterwards",
            unreadable
        ));
    }

    let built = sessions_built(&runtime, options.lanes).await?;
    println!("sessions built: {} for {} lanes", built, options.lanes);
    if built != u64::from(options.lanes) {
        failures.push(format!(
            "the store built {} sessions on {} lanes",
            built, options.lanes
        ));
    }

    let runtime =
        Arc::try_unwrap(runtime).map_err(|_| "the runtime is still shared".to_string())?;
    runtime.close().map_err(|e| e.to_string())?;
    let (live, _) = tether::buffers_live();
    println!("tether buffers live after close: {}", live);
    if live != 0 {
        failures.push(format!("{} tether buffers live after close", live));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("store-host: {}", message);
            return ExitCode::from(2);
        }
    };
    // The tether crate's Config does not carry library_data, so the
    // database path reaches store-tether through its environment variable.
    // Set before any thread starts.
    std::env::set_var("STORE_TETHER_DB", &options.database);
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a tokio runtime");
    match tokio.block_on(run(options)) {
        Ok(()) => {
            println!("store-host: ok");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("store-host: FAILED: {}", message);
            ExitCode::FAILURE
        }
    }
}

// mimalloc: under intake load glibc malloc and free took about a sixth of the
// server's CPU; mimalloc's per-thread heaps take most of that back.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    fazhi::cli::main()
}

/* fuzz.h: what the libFuzzer targets tests/fuzz/fuzz_NAME.c share.
 *
 * A target defines LLVMFuzzerTestOneInput(), links against the library
 * (every src/ file but src/main.c, built by `make fuzz` with clang and
 * -fsanitize=fuzzer,address,undefined) and has its seed corpus in
 * tests/fuzz/corpus/NAME/. Parsers that read files get the input through
 * fuzz_file(): a file in a private directory under $TMPDIR, removed at exit,
 * which links to an in-memory file. */
#ifndef PERFGUARD_FUZZ_H
#define PERFGUARD_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Inputs above this many bytes are skipped: each input must run quickly. */
#define FUZZ_MAX_INPUT (64 * 1024)

/* The files: each an in-memory file (memfd) with a symbolic link to it in
 * the directory, so that no input goes through the disk. */
static char fuzz_dir_path[4096];
static struct { char name[256]; int fd; } fuzz_files[8];
static int fuzz_n_files;

/* Remove the links fuzz_file() made and their directory. */
static inline void fuzz_cleanup(void)
{
	char p[4096 + 256 + 2];
	for (int i = 0; i < fuzz_n_files; i++) {
		snprintf(p, sizeof p, "%s/%s", fuzz_dir_path, fuzz_files[i].name);
		unlink(p);
	}
	rmdir(fuzz_dir_path);
}

/* Print what failed and abort: the harness itself cannot go on. */
static inline void fuzz_die(const char *what)
{
	perror(what);
	abort();
}

/* The private temporary directory, made at the first call. */
static inline const char *fuzz_dir(void)
{
	if (fuzz_dir_path[0])
		return fuzz_dir_path;
	const char *tmp = getenv("TMPDIR");
	snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/perfguard-fuzz.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir_path))
		fuzz_die("fuzz: mkdtemp");
	atexit(fuzz_cleanup);
	return fuzz_dir_path;
}

/* Make the file name (no '/') in fuzz_dir() hold data, and return its path
 * (static storage, valid until the next call). Aborts on failure. */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[4096 + 256 + 2];
	snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
	int i = 0;
	while (i < fuzz_n_files && strcmp(fuzz_files[i].name, name) != 0)
		i++;
	if (i == fuzz_n_files) {
		if (i == 8)
			fuzz_die("fuzz: more than 8 files");
		int fd = memfd_create(name, MFD_CLOEXEC);
		char target[64];
		snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
		if (fd < 0 || symlink(target, path) != 0)
			fuzz_die("fuzz: memfd_create or symlink");
		snprintf(fuzz_files[i].name, sizeof fuzz_files[i].name, "%s", name);
		fuzz_files[i].fd = fd;
		fuzz_n_files++;
	}
	int fd = fuzz_files[i].fd;
	if (ftruncate(fd, 0) != 0)
		fuzz_die("fuzz: ftruncate");
	for (size_t off = 0; off < size;) {
		ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);
		if (w <= 0)
			fuzz_die("fuzz: write");
		off += (size_t)w;
	}
	return path;
}

#endif

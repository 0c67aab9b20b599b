// Power loss for the fault suite (tests/faults/powerloss.ts builds this with gcc at run time and
// puts it in the edge's LD_PRELOAD). For every tracked file (POWERLOSS_TRACK: absolute paths,
// comma separated) it keeps an undo journal of what was written since that file's last fsync or
// fdatasync, in POWERLOSS_JOURNAL_DIR/<basename>.undo:
//   header: u64 size of the file at its last sync
//   record: u64 offset, u64 size before, u32 n, n old bytes (what the write or truncate replaced)
// fsync/fdatasync of a file empties its journal (those writes are on the platter). The journal
// outlives the process: a kill -9 keeps the page cache, so writes a killed process never synced
// stay undoable until some later process syncs the file. After the power cut (the runner SIGKILLs
// the edge) tests/faults/powerloss.ts undoes the records, newest first: the file is back to its
// last synced content (or to a prefix of its unsynced writes, a disk that wrote in order and
// stopped). Only libc calls are seen: SQLite (libsql's native addon) writes through them.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FD 4096
#define MAX_TRACK 16

static pthread_mutex_t mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static int journal_of[MAX_FD];  // fd -> journal fd + 1 (0: not tracked)
static int inited;
static char track[MAX_TRACK][PATH_MAX];
static int ntrack;
static char jdir[PATH_MAX];
static int jfd_by_track[MAX_TRACK];  // journal fd + 1, shared by every fd of one path

static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static int (*real_ftruncate)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);
static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);

static void init(void) {
  if (inited) return;
  real_pwrite = dlsym(RTLD_NEXT, "pwrite64");
  real_write = dlsym(RTLD_NEXT, "write");
  real_writev = dlsym(RTLD_NEXT, "writev");
  real_ftruncate = dlsym(RTLD_NEXT, "ftruncate64");
  real_fsync = dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
  real_close = dlsym(RTLD_NEXT, "close");
  real_open = dlsym(RTLD_NEXT, "open64");
  real_openat = dlsym(RTLD_NEXT, "openat64");
  const char *t = getenv("POWERLOSS_TRACK");
  const char *j = getenv("POWERLOSS_JOURNAL_DIR");
  if (t && j) {
    snprintf(jdir, sizeof jdir, "%s", j);
    char buf[MAX_TRACK * 256];
    snprintf(buf, sizeof buf, "%s", t);
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p && ntrack < MAX_TRACK;
         p = strtok_r(NULL, ",", &save))
      snprintf(track[ntrack++], PATH_MAX, "%s", p);
  }
  inited = 1;
}

static int fatal(const char *what) {
  // A journal we cannot write would make the simulated power cut a lie: stop loudly.
  fprintf(stderr, "powerloss shim: %s: %s\n", what, strerror(errno));
  abort();
}

static void put_all(int fd, const void *p, size_t n, off_t at) {
  const char *c = p;
  while (n) {
    ssize_t w = real_pwrite(fd, c, n, at);
    if (w < 0) {
      if (errno == EINTR) continue;
      fatal("journal write");
    }
    c += w, n -= (size_t)w, at += w;
  }
}

static off_t size_of(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  return st.st_size;
}

/** Records the bytes [off, off+n) of `fd` (as far as the file reaches) before they change. */
static void record(int fd, off_t off, off_t n) {
  int j = journal_of[fd] - 1;
  off_t cur = size_of(fd);
  if (cur < 0) return;
  off_t end = off + n < cur ? off + n : cur;
  uint32_t len = end > off ? (uint32_t)(end - off) : 0;
  off_t at = size_of(j);
  unsigned char head[20];
  uint64_t o = (uint64_t)off, s = (uint64_t)cur;
  memcpy(head, &o, 8);
  memcpy(head + 8, &s, 8);
  memcpy(head + 16, &len, 4);
  char *old = len ? malloc(len) : NULL;
  if (len) {
    ssize_t r = pread(fd, old, len, off);
    if (r != (ssize_t)len) fatal("read old bytes");
  }
  put_all(j, head, 20, at);
  if (len) put_all(j, old, len, at + 20);
  free(old);
}

static void synced(int fd) {
  int j = journal_of[fd] - 1;
  uint64_t s = (uint64_t)size_of(fd);
  if (real_ftruncate(j, 0) != 0) fatal("journal truncate");
  put_all(j, &s, 8, 0);
}

static void attach(int fd, const char *path, int flags) {
  if (fd < 0 || fd >= MAX_FD || !ntrack || !path) return;
  for (int i = 0; i < ntrack; i++) {
    if (strcmp(path, track[i]) != 0) continue;
    if (!jfd_by_track[i]) {
      const char *base = strrchr(path, '/');
      char jp[PATH_MAX + 8];
      snprintf(jp, sizeof jp, "%s/%s.undo", jdir, base ? base + 1 : path);
      int j = real_open(jp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (j < 0) fatal("journal open");
      jfd_by_track[i] = j + 1;
      // A journal left by an earlier process stays (its writes are still unsynced); a new one
      // starts from what is on disk now (written by a process we did not watch: synced).
      if (size_of(j) < 8) {
        uint64_t s = (uint64_t)size_of(fd);
        put_all(j, &s, 8, 0);
      }
    }
    journal_of[fd] = jfd_by_track[i];
    (void)flags;
    return;
  }
}

static int tracked(int fd) { return fd >= 0 && fd < MAX_FD && journal_of[fd]; }

int open64(const char *path, int flags, ...) {
  pthread_mutex_lock(&mu);
  init();
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  int fd = real_open(path, flags, mode);
  if (fd >= 0) attach(fd, path, flags);
  pthread_mutex_unlock(&mu);
  return fd;
}
int open(const char *path, int flags, ...) __attribute__((alias("open64")));

int openat64(int dirfd, const char *path, int flags, ...) {
  pthread_mutex_lock(&mu);
  init();
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  int fd = real_openat(dirfd, path, flags, mode);
  if (fd >= 0 && path && path[0] == '/') attach(fd, path, flags);
  pthread_mutex_unlock(&mu);
  return fd;
}
int openat(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat64")));

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
  pthread_mutex_lock(&mu);
  init();
  if (tracked(fd)) record(fd, off, (off_t)n);
  ssize_t r = real_pwrite(fd, buf, n, off);
  pthread_mutex_unlock(&mu);
  return r;
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) __attribute__((alias("pwrite64")));

ssize_t write(int fd, const void *buf, size_t n) {
  if (fd < 0 || fd >= MAX_FD || !journal_of[fd]) {
    if (!real_write) {
      pthread_mutex_lock(&mu);
      init();
      pthread_mutex_unlock(&mu);
    }
    return real_write(fd, buf, n);
  }
  pthread_mutex_lock(&mu);
  off_t at = lseek(fd, 0, SEEK_CUR);
  if (at >= 0) record(fd, at, (off_t)n);
  ssize_t r = real_write(fd, buf, n);
  pthread_mutex_unlock(&mu);
  return r;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
  pthread_mutex_lock(&mu);
  init();
  if (tracked(fd)) {
    off_t at = lseek(fd, 0, SEEK_CUR);
    off_t n = 0;
    for (int i = 0; i < cnt; i++) n += (off_t)iov[i].iov_len;
    if (at >= 0) record(fd, at, n);
  }
  ssize_t r = real_writev(fd, iov, cnt);
  pthread_mutex_unlock(&mu);
  return r;
}

int ftruncate64(int fd, off_t len) {
  pthread_mutex_lock(&mu);
  init();
  if (tracked(fd)) {
    off_t cur = size_of(fd);
    if (cur > len) record(fd, len, cur - len);
    else record(fd, cur, 0);
  }
  int r = real_ftruncate(fd, len);
  pthread_mutex_unlock(&mu);
  return r;
}
int ftruncate(int fd, off_t len) __attribute__((alias("ftruncate64")));

int fsync(int fd) {
  pthread_mutex_lock(&mu);
  init();
  int r = real_fsync(fd);
  if (r == 0 && tracked(fd)) synced(fd);
  pthread_mutex_unlock(&mu);
  return r;
}

int fdatasync(int fd) {
  pthread_mutex_lock(&mu);
  init();
  int r = real_fdatasync(fd);
  if (r == 0 && tracked(fd)) synced(fd);
  pthread_mutex_unlock(&mu);
  return r;
}

int close(int fd) {
  pthread_mutex_lock(&mu);
  init();
  if (fd >= 0 && fd < MAX_FD) journal_of[fd] = 0;
  int r = real_close(fd);
  pthread_mutex_unlock(&mu);
  return r;
}

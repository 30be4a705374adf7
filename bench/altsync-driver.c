/*
 * altsync-driver: plays the P4 client's side of P4ALTSYNC for benchmarks, the way the client does
 * it (spec §2): fork + execvp of the agent with stdin and stdout on pipes and stderr dup'ed onto
 * the stdout pipe, SIGPIPE ignored; one request line written with a single write(), then a
 * blocking read up to the first newline; at the end the quit line, stdin left open, waitpid.
 *
 * usage: altsync-driver [--sleep-us N] [--expect TEXT] REQUEST_FILE -- AGENT ARGV...
 *   --sleep-us N   sleep N µs before each request (the real client polls the child with a 1 ms sleep)
 *   --expect TEXT  every reply must start with TEXT, else exit 3
 *   --dump FILE    write every request's latency (ns), one per line, in request order
 *
 * Prints one JSON object: request count, latency percentiles (µs) of request→reply, time from
 * spawn to the first reply, quit→exit time, and the agent's max RSS and CPU time from wait4().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double pct(const uint64_t *sorted, size_t n, double p) {
  if (n == 0) return 0;
  size_t i = (size_t)(p * (double)(n - 1) + 0.5);
  return (double)sorted[i] / 1000.0;
}

static void die(const char *what) {
  fprintf(stderr, "altsync-driver: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, buf, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      die("write to agent");
    }
    buf += w;
    len -= (size_t)w;
  }
}

/* Reads one reply line into line (without the newline). Returns its length, or -1 at EOF. */
static char rbuf[1 << 16];
static size_t rstart, rend;
static ssize_t read_line(int fd, char *line, size_t cap) {
  size_t len = 0;
  for (;;) {
    for (size_t i = rstart; i < rend; i++) {
      if (rbuf[i] == '\n') {
        size_t n = i - rstart;
        if (len + n >= cap) n = cap - len - 1;
        memcpy(line + len, rbuf + rstart, n);
        len += n;
        /* The client discards what it buffered beyond the first line. */
        rstart = rend = 0;
        line[len] = 0;
        return (ssize_t)len;
      }
    }
    size_t n = rend - rstart;
    if (len + n >= cap) n = cap - len - 1;
    memcpy(line + len, rbuf + rstart, n);
    len += n;
    rstart = rend = 0;
    ssize_t r = read(fd, rbuf, sizeof rbuf);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("read from agent");
    }
    if (r == 0) return -1;
    rend = (size_t)r;
  }
}

int main(int argc, char **argv) {
  long sleep_us = 0;
  const char *expect = NULL;
  const char *dump = NULL;
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--sleep-us") && i + 1 < argc) sleep_us = atol(argv[++i]);
    else if (!strcmp(argv[i], "--expect") && i + 1 < argc) expect = argv[++i];
    else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
    else break;
  }
  if (i + 2 >= argc || strcmp(argv[i + 1], "--")) {
    fprintf(stderr, "usage: altsync-driver [--sleep-us N] [--expect TEXT] [--dump FILE] REQUEST_FILE -- AGENT ARGV...\n");
    return 2;
  }
  const char *reqfile = argv[i];
  char **agent_argv = argv + i + 2;

  int rfd = open(reqfile, O_RDONLY);
  if (rfd < 0) die("open request file");
  struct stat st;
  if (fstat(rfd, &st) < 0) die("stat request file");
  char *reqs = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, rfd, 0) : NULL;
  if (st.st_size > 0 && reqs == MAP_FAILED) die("mmap request file");
  size_t nreq = 0;
  for (off_t k = 0; k < st.st_size; k++) nreq += reqs[k] == '\n';

  signal(SIGPIPE, SIG_IGN); /* as the client does when it connects */
  int to_agent[2], from_agent[2];
  if (pipe(to_agent) < 0 || pipe(from_agent) < 0) die("pipe");
  uint64_t t_spawn = now_ns();
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    dup2(to_agent[0], 0);
    dup2(from_agent[1], 1);
    dup2(from_agent[1], 2); /* stderr shares the reply pipe, exactly like p4 */
    close(to_agent[0]);
    close(to_agent[1]);
    close(from_agent[0]);
    close(from_agent[1]);
    execvp(agent_argv[0], agent_argv);
    _exit(127);
  }
  close(to_agent[0]);
  close(from_agent[1]);

  uint64_t *lat = calloc(nreq ? nreq : 1, sizeof *lat);
  static char line[1 << 20];
  uint64_t first_reply_ns = 0, t_begin = now_ns();
  size_t done = 0, bad = 0;
  const char *p = reqs, *end = reqs + st.st_size;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) break;
    if (sleep_us > 0) usleep((useconds_t)sleep_us);
    uint64_t t0 = now_ns();
    write_all(to_agent[1], p, (size_t)(nl - p + 1)); /* one write() per request */
    ssize_t len = read_line(from_agent[0], line, sizeof line);
    uint64_t t1 = now_ns();
    if (len < 0) {
      fprintf(stderr, "altsync-driver: agent closed its output after %zu replies\n", done);
      return 3;
    }
    if (done == 0) first_reply_ns = t1 - t_spawn;
    if (expect && strncmp(line, expect, strlen(expect))) {
      if (bad++ < 5) fprintf(stderr, "altsync-driver: unexpected reply to request %zu: %s\n", done + 1, line);
    }
    lat[done++] = t1 - t0;
    p = nl + 1;
  }
  uint64_t t_end = now_ns();

  const char quit[] = "{\"altSync\":\"quit\"}\n";
  write_all(to_agent[1], quit, sizeof quit - 1);
  int status;
  struct rusage ru;
  uint64_t tq = now_ns();
  if (wait4(pid, &status, 0, &ru) < 0) die("wait4");
  uint64_t quit_ns = now_ns() - tq;
  close(to_agent[1]);

  if (dump) {
    FILE *f = fopen(dump, "w");
    if (!f) die("open dump file");
    for (size_t k = 0; k < done; k++) fprintf(f, "%llu\n", (unsigned long long)lat[k]);
    fclose(f);
  }
  qsort(lat, done, sizeof *lat, cmp_u64);
  double total_s = (double)(t_end - t_begin) / 1e9;
  printf("{\"requests\":%zu,\"bad\":%zu,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
         "\"total_s\":%.3f,\"per_s\":%.0f,\"first_reply_ms\":%.2f,\"quit_exit_ms\":%.2f,\"max_rss_kb\":%ld,"
         "\"user_cpu_s\":%.3f,\"sys_cpu_s\":%.3f,\"exit\":%d}\n",
         done, bad, pct(lat, done, 0.50), pct(lat, done, 0.90), pct(lat, done, 0.99), pct(lat, done, 0.999),
         done ? (double)lat[done - 1] / 1000.0 : 0.0, total_s, total_s > 0 ? (double)done / total_s : 0.0,
         (double)first_reply_ns / 1e6, (double)quit_ns / 1e6, ru.ru_maxrss,
         (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return bad ? 3 : 0;
}

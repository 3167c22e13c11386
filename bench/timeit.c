/*
 * timeit.c - jixiao-timeit: run a command, record its wall time and peak RSS.
 *
 *   jixiao-timeit OUTFILE COMMAND [ARGS...]
 *
 * Runs COMMAND with its standard streams untouched, then writes one line
 * "SECONDS MAXRSS_KIB" to OUTFILE (the peak resident set of the command, from
 * wait4's rusage, so it covers exactly that process). Exits with the
 * command's status (128 + signal when it was killed).
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: jixiao-timeit OUTFILE COMMAND [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("jixiao-timeit: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "jixiao-timeit: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("jixiao-timeit: wait4");
            return 2;
        }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    FILE *f = fopen(argv[1], "w");
    if (!f || fprintf(f, "%.4f %ld\n", s, ru.ru_maxrss) < 0 || fclose(f) != 0) {
        fprintf(stderr, "jixiao-timeit: cannot write %s\n", argv[1]);
        return 2;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

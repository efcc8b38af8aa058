/* The floor for nd-rebalance and nd-stats: one stat() per files.dat entry and nothing
 * else, single-threaded. Usage: stat-floor FILES_DAT  (entries' _2.dat beside it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: stat-floor FILES_DAT\n"); return 64; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    char dir[4096];
    strncpy(dir, argv[1], sizeof dir - 1);
    dir[sizeof dir - 1] = 0;
    char *slash = strrchr(dir, '/');
    if (slash) slash[1] = 0; else dir[0] = 0;
    char line[512], path[8192];
    unsigned long long total = 0;
    long n = 0;
    for (int header = 0; header < 2 && fgets(line, sizeof line, f); header++) {}
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        snprintf(path, sizeof path, "%s%s_2.dat", dir, line);
        struct stat st;
        if (stat(path, &st) != 0) { perror(path); return 1; }
        total += (unsigned long long)st.st_size;
        n++;
    }
    printf("%ld entries, %llu bytes\n", n, total);
    return 0;
}

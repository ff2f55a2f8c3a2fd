/*
 * The machine's ceiling: a plain C implementation of memory-one matches, for trustlab's benchmarks.
 *
 * A round robin (self-play included) of memory-one strategies, each unordered pair i <= j playing
 * REPS matches of TURNS turns with execution noise, on the same counter-based SplitMix64 random
 * numbers as trustlab (keyed on seed, match = j(j+1)/2 + i, repetition, turn, player), so the
 * joint action counts it prints are bit-identical to trustlab's and the benchmark can check that
 * both did the same work.
 *
 * Parallel with OpenMP over the (pair, repetition) matches (dynamic scheduling, each thread
 * summing into its own copy of the counts, added up at the end): run it with OMP_NUM_THREADS=2
 * for the two-core ceiling. Compiled without -fopenmp it is the plain single-threaded loop.
 *
 * A strategy is "p1,p2,p3,p4,p0": the probability of cooperating after CC, CD, DC, DD (own move
 * first) and on the first move. Actions: C = 0, D = 1.
 *
 * Build: gcc -O3 -march=native -fopenmp -o memory_one memory_one.c
 * Usage: memory_one TURNS REPS NOISE SEED STRATEGY [STRATEGY ...]
 * Prints one JSON object: seconds (the play loop only), turns, and per pair the summed counts of
 * the joint executed actions CC, CD, DC, DD.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define GAMMA 0x9E3779B97F4A7C15ULL
#define INV32 (1.0 / 4294967296.0)

static inline uint64_t mix64(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static inline uint64_t base_key(uint64_t seed, int64_t match, int64_t rep) {
    uint64_t h = mix64(seed + GAMMA);
    h = mix64(h + (uint64_t)(match + 1) * GAMMA);
    return mix64(h + (uint64_t)(rep + 1) * GAMMA);
}

/* Play one match; add the joint executed-action counts into joint[4]. */
static void play(const double *pa, const double *pb, uint64_t key, int turns, double noise,
                 int64_t *joint) {
    int sa = 4, sb = 4; /* 4: the first move; else 2 * own last action + partner's last action */
    for (int t = 0; t < turns; t++) {
        uint64_t ca = (uint64_t)(4 * t);
        double qa = pa[sa], qb = pb[sb];
        int xa, xb;
        if (noise > 0.0 || (qa > 0.0 && qa < 1.0)) {
            uint64_t h = mix64(key + (ca + 1) * GAMMA);
            xa = ((double)(h >> 32) * INV32 < qa) ? 0 : 1;
            if ((double)(h & 0xFFFFFFFFULL) * INV32 < noise) xa ^= 1;
        } else {
            xa = qa >= 1.0 ? 0 : 1;
        }
        if (noise > 0.0 || (qb > 0.0 && qb < 1.0)) {
            uint64_t h = mix64(key + (ca + 3) * GAMMA);
            xb = ((double)(h >> 32) * INV32 < qb) ? 0 : 1;
            if ((double)(h & 0xFFFFFFFFULL) * INV32 < noise) xb ^= 1;
        } else {
            xb = qb >= 1.0 ? 0 : 1;
        }
        joint[2 * xa + xb] += 1;
        sa = 2 * xa + xb;
        sb = 2 * xb + xa;
    }
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s TURNS REPS NOISE SEED p1,p2,p3,p4,p0 [...]\n", argv[0]);
        return 2;
    }
    int turns = atoi(argv[1]);
    int reps = atoi(argv[2]);
    double noise = atof(argv[3]);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    int n = argc - 5;
    double *p = malloc(sizeof(double) * 5 * (size_t)n);
    for (int i = 0; i < n; i++) {
        double *q = p + 5 * i;
        if (sscanf(argv[5 + i], "%lf,%lf,%lf,%lf,%lf", q, q + 1, q + 2, q + 3, q + 4) != 5) {
            fprintf(stderr, "bad strategy %s: want p1,p2,p3,p4,p0\n", argv[5 + i]);
            return 2;
        }
    }
    int n_pairs = n * (n + 1) / 2;
    int64_t *joint = calloc(4 * (size_t)n_pairs, sizeof(int64_t));
    struct timespec t0, t1;
#pragma omp parallel
    { /* start the thread pool before the clock, as trustlab's is started before it is timed */
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* pair q = j(j+1)/2 + i is (i, j); units u = q * reps + r, in any order across threads */
    int *pi = malloc(sizeof(int) * (size_t)n_pairs);
    int *pj = malloc(sizeof(int) * (size_t)n_pairs);
    for (int j = 0; j < n; j++) {
        for (int i = 0; i <= j; i++) {
            pi[j * (j + 1) / 2 + i] = i;
            pj[j * (j + 1) / 2 + i] = j;
        }
    }
    int64_t n_units = (int64_t)n_pairs * reps;
    int threads = 1;
#pragma omp parallel
    {
#ifdef _OPENMP
#pragma omp single
        threads = omp_get_num_threads();
#endif
        int64_t *mine = calloc(4 * (size_t)n_pairs, sizeof(int64_t));
#pragma omp for schedule(dynamic, 256) nowait
        for (int64_t u = 0; u < n_units; u++) {
            int64_t pair = u / reps;
            int64_t r = u - pair * reps;
            play(p + 5 * pi[pair], p + 5 * pj[pair], base_key(seed, pair, r), turns, noise,
                 mine + 4 * pair);
        }
#pragma omp critical
        for (int q = 0; q < 4 * n_pairs; q++) joint[q] += mine[q];
        free(mine);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("{\"seconds\": %.9f, \"threads\": %d, \"turns\": %" PRId64 ", \"joint\": [", secs,
           threads, (int64_t)n_pairs * reps * turns);
    for (int q = 0; q < n_pairs; q++) {
        printf("%s[%" PRId64 ", %" PRId64 ", %" PRId64 ", %" PRId64 "]", q ? ", " : "",
               joint[4 * q], joint[4 * q + 1], joint[4 * q + 2], joint[4 * q + 3]);
    }
    printf("]}\n");
    free(p);
    free(pi);
    free(pj);
    free(joint);
    return 0;
}

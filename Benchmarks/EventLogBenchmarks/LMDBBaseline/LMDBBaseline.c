#include "LMDBBaseline.h"

#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lmdb_baseline {
    MDB_env *env;
    MDB_dbi values;
    MDB_dbi index;
    int preallocate;
    off_t file_size;
};

/* The zero-filled tail EventLog keeps (DataFilePreallocation), in C, with the same policy:
   inside the write transaction, before its pages are written, when less than half the target
   (an eighth of the log, 256 KiB to 16 MiB) is written beyond the last used page, and the
   transaction stores at most 64 KiB, write zeros at the end of the file: at most 1 MiB. */
static void extend_tail(lmdb_baseline *b, size_t transaction_bytes) {
    static char zeros[1 << 20];
    MDB_envinfo info;
    MDB_stat stat;
    mdb_env_info(b->env, &info);
    mdb_env_stat(b->env, &stat);
    off_t used = (off_t)(info.me_last_pgno + 1) * stat.ms_psize;
    off_t target = used / 8;
    if (target < (256 << 10)) target = 256 << 10;
    if (target > (16 << 20)) target = 16 << 20;
    target = (target + stat.ms_psize - 1) / stat.ms_psize * stat.ms_psize;
    off_t tail = b->file_size - used;
    if (tail >= target / 2 || transaction_bytes > (64 << 10)) return;
    int fd;
    mdb_env_get_fd(b->env, &fd);
    off_t start = b->file_size > used ? b->file_size : used;
    off_t count = target - (tail > 0 ? tail : 0);
    if (count > (off_t)sizeof zeros) count = sizeof zeros;
    for (off_t written = 0; written < count;) {
        ssize_t n = pwrite(fd, zeros, (size_t)(count - written), start + written);
        if (n <= 0) return;
        written += n;
    }
    b->file_size = start + count;
}

void lmdb_baseline_preallocate(lmdb_baseline *b) {
    b->preallocate = 1;
}

int lmdb_baseline_open(const char *directory, size_t map_size, int durable, lmdb_baseline **out) {
    lmdb_baseline *b = calloc(1, sizeof *b);
    if (!b) return ENOMEM;
    int rc = mdb_env_create(&b->env);
    if (rc) { free(b); return rc; }
    mdb_env_set_maxdbs(b->env, 4);
    mdb_env_set_mapsize(b->env, map_size);
    rc = mdb_env_open(b->env, directory, MDB_NOTLS | (durable ? 0 : MDB_NOSYNC), 0644);
    if (rc) goto fail;
    MDB_txn *txn;
    rc = mdb_txn_begin(b->env, NULL, 0, &txn);
    if (rc) goto fail;
    if ((rc = mdb_dbi_open(txn, "values", MDB_CREATE, &b->values)) ||
        (rc = mdb_dbi_open(txn, "index", MDB_CREATE, &b->index))) {
        mdb_txn_abort(txn);
        goto fail;
    }
    rc = mdb_txn_commit(txn);
    if (rc) goto fail;
    *out = b;
    return 0;
fail:
    mdb_env_close(b->env);
    free(b);
    return rc;
}

void lmdb_baseline_close(lmdb_baseline *b) {
    mdb_env_close(b->env);
    free(b);
}

static void store_big_endian(uint64_t value, unsigned char out[8]) {
    for (int i = 7; i >= 0; i--) { out[i] = (unsigned char)value; value >>= 8; }
}

static uint64_t load_big_endian(const unsigned char in[8]) {
    uint64_t value = 0;
    for (int i = 0; i < 8; i++) value = (value << 8) | in[i];
    return value;
}

int lmdb_baseline_append_batch(lmdb_baseline *b, int count, const void *value, size_t value_size, int with_index) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(b->env, NULL, 0, &txn);
    if (rc) return rc;
    if (b->preallocate) extend_tail(b, (size_t)count * value_size);
    MDB_cursor *cursor, *index_cursor = NULL;
    rc = mdb_cursor_open(txn, b->values, &cursor);
    if (rc) { mdb_txn_abort(txn); return rc; }
    if (with_index && (rc = mdb_cursor_open(txn, b->index, &index_cursor))) goto fail;
    MDB_val key, data;
    uint64_t next = 1;
    rc = mdb_cursor_get(cursor, &key, &data, MDB_LAST);
    if (rc == 0) next = load_big_endian(key.mv_data) + 1;
    else if (rc != MDB_NOTFOUND) goto fail;
    for (int i = 0; i < count; i++, next++) {
        unsigned char key_bytes[8];
        store_big_endian(next, key_bytes);
        if (with_index) {
            char id[32];
            int id_length = snprintf(id, sizeof id, "evt-%012llu", (unsigned long long)next);
            MDB_val id_key = { (size_t)id_length, id };
            MDB_val position = { 8, key_bytes };
            /* As EventIDIndexWriter: an id after the largest goes at the end (these ids all do);
               any other takes the ordinary put, which finds a duplicate. */
            rc = mdb_cursor_put(index_cursor, &id_key, &position, MDB_APPEND);
            if (rc == MDB_KEYEXIST) rc = mdb_cursor_put(index_cursor, &id_key, &position, MDB_NOOVERWRITE);
            if (rc) goto fail;
        }
        key.mv_size = 8;
        key.mv_data = key_bytes;
        data.mv_size = value_size;
        data.mv_data = (void *)value;
        rc = mdb_cursor_put(cursor, &key, &data, MDB_APPEND);
        if (rc) goto fail;
    }
    if (index_cursor) mdb_cursor_close(index_cursor);
    mdb_cursor_close(cursor);
    return mdb_txn_commit(txn);
fail:
    if (index_cursor) mdb_cursor_close(index_cursor);
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    return rc;
}

int lmdb_baseline_scan(lmdb_baseline *b, uint64_t *count, uint64_t *bytes) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(b->env, NULL, MDB_RDONLY, &txn);
    if (rc) return rc;
    MDB_cursor *cursor;
    rc = mdb_cursor_open(txn, b->values, &cursor);
    if (rc) { mdb_txn_abort(txn); return rc; }
    MDB_val key, data;
    uint64_t n = 0, total = 0;
    while ((rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT)) == 0) {
        n++;
        total += data.mv_size + ((const unsigned char *)data.mv_data)[0];
    }
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    *count = n;
    *bytes = total;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The same concurrency pattern as the EventLog group-commit benchmark, in C: `threads`
   threads each append `appends_per_thread` single values, each waiting for its own durable
   commit before the next. Whichever thread finds no commit running becomes the leader: it
   takes everything queued, writes it in one transaction, commits, then wakes the others.
   No gathering window. This is the ceiling a group-committing wrapper can hope for. */

struct gc_shared {
    lmdb_baseline *b;
    const void *value;
    size_t value_size;
    int appends_per_thread;
    pthread_mutex_t lock;
    pthread_cond_t done;
    uint64_t queued;     /* appends waiting for a leader */
    uint64_t ticket;     /* total appends ever queued */
    uint64_t committed;  /* appends covered by a finished commit */
    int leader;          /* a commit is running */
    int rc;
};

static void *gc_thread(void *arg) {
    struct gc_shared *s = arg;
    for (int i = 0; i < s->appends_per_thread; i++) {
        pthread_mutex_lock(&s->lock);
        uint64_t mine = ++s->ticket;
        s->queued++;
        while (s->committed < mine && s->rc == 0) {
            if (!s->leader) {
                s->leader = 1;
                uint64_t count = s->queued, upto = s->ticket;
                s->queued = 0;
                pthread_mutex_unlock(&s->lock);
                int rc = lmdb_baseline_append_batch(s->b, (int)count, s->value, s->value_size, 1);
                pthread_mutex_lock(&s->lock);
                s->leader = 0;
                if (rc) s->rc = rc;
                s->committed = upto;
                pthread_cond_broadcast(&s->done);
            } else {
                pthread_cond_wait(&s->done, &s->lock);
            }
        }
        int failed = s->rc;
        pthread_mutex_unlock(&s->lock);
        if (failed) break;
    }
    return NULL;
}

int lmdb_baseline_group_commit(lmdb_baseline *b, int threads, int appends_per_thread, const void *value, size_t value_size) {
    struct gc_shared s = { .b = b, .value = value, .value_size = value_size, .appends_per_thread = appends_per_thread };
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.done, NULL);
    pthread_t ids[threads];
    int started = 0;
    for (; started < threads; started++) {
        if (pthread_create(&ids[started], NULL, gc_thread, &s)) break;
    }
    for (int i = 0; i < started; i++) pthread_join(ids[i], NULL);
    pthread_mutex_destroy(&s.lock);
    pthread_cond_destroy(&s.done);
    if (started < threads) return EAGAIN;
    return s.rc;
}

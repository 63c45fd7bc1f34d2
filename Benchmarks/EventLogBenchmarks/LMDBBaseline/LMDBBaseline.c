#include "LMDBBaseline.h"

#include <lmdb.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct lmdb_baseline {
    MDB_env *env;
    MDB_dbi values;
    MDB_dbi index;
};

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
    MDB_cursor *cursor;
    rc = mdb_cursor_open(txn, b->values, &cursor);
    if (rc) { mdb_txn_abort(txn); return rc; }
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
            rc = mdb_put(txn, b->index, &id_key, &position, MDB_NOOVERWRITE);
            if (rc) goto fail;
        }
        key.mv_size = 8;
        key.mv_data = key_bytes;
        data.mv_size = value_size;
        data.mv_data = (void *)value;
        rc = mdb_cursor_put(cursor, &key, &data, MDB_APPEND);
        if (rc) goto fail;
    }
    mdb_cursor_close(cursor);
    return mdb_txn_commit(txn);
fail:
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

package storage

import (
	"database/sql"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// SQLite in WAL mode copies the log back into the database (a checkpoint)
// when a commit leaves it over 1,000 pages (4 MB), on the committing
// connection and with an fsync: a cold sync of 100,000 rows waited about
// 0.3 s of its 2.7 s for checkpoints, between files and after its figures.
// Here the connections sheaf writes on never checkpoint; a connection of
// its own does, every checkpointEvery, beside the writer (a PASSIVE
// checkpoint takes no lock a writer needs). While commits keep coming the
// log cannot start over from its beginning, so once it holds more than
// checkpointRestart the checkpointer waits for a moment between two
// transactions and restarts it (RESTART), as the committing connection
// did every 4 MB. Closing the database checkpoints what is left, as SQLite
// does when its last connection closes. What a crash leaves is SQLite's
// to recover, as before: the log is the same log.

// driverName is go-sqlite3 with automatic checkpoints off.
const driverName = "sqlite3_sheaf"

// checkpointEvery is how often the checkpointer copies the log back, and
// checkpointRestart how large the log may grow while writes go on
// (variables for the tests).
var (
	checkpointEvery   = 250 * time.Millisecond
	checkpointRestart = int64(64 << 20)
)

var registerDriver sync.Once

func sheafDriver() string {
	registerDriver.Do(func() {
		sql.Register(driverName, &sqlite3.SQLiteDriver{
			ConnectHook: func(c *sqlite3.SQLiteConn) error {
				_, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil)
				return err
			},
		})
	})
	return driverName
}

// checkpointer runs PASSIVE checkpoints on a connection of its own until
// closed.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
	// pageSize is the database's page size, read at the first checkpoint.
	pageSize int64
}

func startCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open(sheafDriver(), dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.checkpoint()
		}
	}
}

// checkpoint copies what it can of the log, and restarts a log grown over
// checkpointRestart. A busy database, or one another process
// checkpoints, is tried again at the next tick; closing checkpoints what
// is left.
func (c *checkpointer) checkpoint() {
	var busy, frames, copied int64
	if err := c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		return
	}
	if c.pageSize == 0 {
		if err := c.db.QueryRow("PRAGMA page_size").Scan(&c.pageSize); err != nil {
			return
		}
	}
	if frames*c.pageSize > checkpointRestart {
		c.db.Exec("PRAGMA wal_checkpoint(RESTART)")
	}
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() {
	close(c.stop)
	<-c.done
	c.db.Close()
}

package reconcile

import "errors"

// prefetchObservations is how many observations travel in one chunk from
// the goroutine reading slots to the one deciding them.
const prefetchObservations = 1024

// prefetchChunks is how many chunks may wait between the two.
const prefetchChunks = 4

// slotChunk is a run of slots read ahead: each slot's observations are
// obs[from:to].
type slotChunk struct {
	slots []chunkSlot
	obs   []Observation
}

type chunkSlot struct {
	indicator, period string
	from, to          int
}

// Prefetch reads slots on a goroutine of its own, a few chunks ahead of
// the caller: reading a cycle back from the database (calls into SQLite,
// texts turned into strings) then runs beside deciding it, on another
// processor. The observations a yield gets are valid until it returns, as
// with any Slots. An error of slots or of the yield ends both.
func Prefetch(slots Slots) Slots {
	return func(yield func(indicator, period string, obs []Observation) error) error {
		full := make(chan *slotChunk, prefetchChunks)
		free := make(chan *slotChunk, prefetchChunks+2)
		stop := make(chan struct{})
		readErr := make(chan error, 1)
		go func() {
			defer close(full)
			take := func() *slotChunk {
				select {
				case c := <-free:
					c.slots, c.obs = c.slots[:0], c.obs[:0]
					return c
				default:
					return &slotChunk{obs: make([]Observation, 0, prefetchObservations)}
				}
			}
			cur := take()
			send := func() bool {
				select {
				case full <- cur:
					cur = take()
					return true
				case <-stop:
					return false
				}
			}
			err := slots(func(indicator, period string, obs []Observation) error {
				from := len(cur.obs)
				cur.obs = append(cur.obs, obs...)
				cur.slots = append(cur.slots, chunkSlot{indicator, period, from, len(cur.obs)})
				if len(cur.obs) >= prefetchObservations && !send() {
					return errStopped
				}
				return nil
			})
			if err == nil && len(cur.slots) > 0 && !send() {
				err = errStopped
			}
			readErr <- err
		}()
		var err error
		for c := range full {
			if err == nil {
				for _, s := range c.slots {
					if err = yield(s.indicator, s.period, c.obs[s.from:s.to]); err != nil {
						close(stop) // the reader stops at its next send
						break
					}
				}
			}
			clear(c.obs) // drop the strings they point to
			select {
			case free <- c:
			default:
			}
		}
		rerr := <-readErr
		if err != nil {
			return err
		}
		if errors.Is(rerr, errStopped) {
			return nil
		}
		return rerr
	}
}

// errStopped ends the reader when the caller has stopped.
var errStopped = errors.New("stopped")

package config

import (
	"crypto/sha256"
	"encoding/json"
	"hash"
	"math"
	"reflect"
	"strconv"
)

// DigestJSON is the SHA-256 of json.Marshal(parts), made a list item at a
// time: the JSON of a 20,000-indicator catalogue is some 8 MB, and a
// buffer that large, once encoding/json has used it, stays in its pool,
// live for as long as the process marshals anything else. The bytes
// digested are exactly json.Marshal's, so digests stored before are the
// same.
func DigestJSON(parts ...any) ([32]byte, error) {
	h := sha256.New()
	h.Write([]byte{'['})
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{','})
		}
		if err := writeJSON(h, p); err != nil {
			return [32]byte{}, err
		}
	}
	h.Write([]byte{']'})
	var sum [32]byte
	h.Sum(sum[:0])
	return sum, nil
}

// writeJSON writes json.Marshal(v) to h, a slice's elements one at a time.
func writeJSON(h hash.Hash, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.IsNil() || rv.Type().Elem().Kind() == reflect.Uint8 {
		// Not a list (a []byte marshals as base64 text), or null.
		b, err := json.Marshal(v)
		h.Write(b)
		return err
	}
	h.Write([]byte{'['})
	for i := range rv.Len() {
		if i > 0 {
			h.Write([]byte{','})
		}
		// A pointer to the element, which is addressable in the slice: a
		// MarshalJSON with a pointer receiver is used as it is there.
		b, err := json.Marshal(rv.Index(i).Addr().Interface())
		if err != nil {
			return err
		}
		h.Write(b)
	}
	h.Write([]byte{']'})
	return nil
}

// Bounds are a range's [min, max]; either may be infinite (range: [0, .inf]
// is "at least 0").
type Bounds []float64

// MarshalJSON writes the bounds as json.Marshal writes a []float64, and an
// infinite one, which JSON has no number for, as the text "+Inf" or "-Inf":
// json.Marshal failed on it, and the configuration's digests (the
// extraction fingerprint, the reconcile stamp) were then the same whatever
// the catalogue said.
func (b Bounds) MarshalJSON() ([]byte, error) {
	finite := true
	for _, f := range b {
		finite = finite && !math.IsInf(f, 0)
	}
	if finite {
		return json.Marshal([]float64(b))
	}
	out := []byte{'['}
	for i, f := range b {
		if i > 0 {
			out = append(out, ',')
		}
		if math.IsInf(f, 0) {
			out = strconv.AppendQuote(out, strconv.FormatFloat(f, 'g', -1, 64))
			continue
		}
		n, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n...)
	}
	return append(out, ']'), nil
}

package templates

import (
	"context"
	"fmt"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// Previous is last cycle's figures with a value, by "indicator@period".
type Previous map[string]sheaf.Figure

// NewPrevious indexes figures; those without a value are left out.
func NewPrevious(figs []sheaf.Figure) Previous {
	p := make(Previous, len(figs))
	for _, f := range figs {
		if f.HasValue {
			p[f.Indicator+"@"+f.Period] = f
		}
	}
	return p
}

// LoadPrevious reads the figures of another cycle's sheaf database,
// opened read-only: the file is neither changed nor migrated.
func LoadPrevious(ctx context.Context, path string) (Previous, error) {
	db, err := storage.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("previous database: %w", err)
	}
	defer db.Close()
	figs, err := db.Figures(ctx)
	if err != nil {
		return nil, fmt.Errorf("previous database %s: %w", path, err)
	}
	return NewPrevious(figs), nil
}

package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/kithtest"
)

func TestSmoke(t *testing.T) {
	t.Parallel()
	db := kithtest.DB(t, nil)
	p := kithtest.NewPractice(t, db, "smoke")
	api := kithtest.NewAPI(t, db)
	var out struct{ Me struct{ Name string } }
	api.OK(p.Token, `{ me { name } }`, nil, &out)
	require.Equal(t, "Owner of smoke", out.Me.Name)
}

package fake_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/fake"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/schematype"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	optedOut := provider.Permanent("21610", "the recipient has opted out (STOP)", nil)
	tests := []struct {
		name      string
		fail      int
		err       error
		permanent bool
	}{
		{"none", 0, nil, false},
		{"two transient", 2, provider.Transient("http_503", "the provider is unavailable", nil), false},
		{"one permanent", 1, optedOut, true},
		{"default error", 3, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fake.New(schematype.ChannelEmail)
			require.Equal(t, schematype.ChannelEmail, s.Channel())
			s.FailNext(tt.fail, tt.err)
			for i := range tt.fail + 2 {
				m := provider.Outgoing{MessageID: fmt.Sprint(i), To: "wei@example.com"}
				r, err := s.Send(context.Background(), m)
				if i < tt.fail {
					require.Error(t, err)
					require.Equal(t, tt.permanent, provider.IsPermanent(err))
					if tt.err != nil {
						require.ErrorIs(t, err, tt.err)
					}
					continue
				}
				require.NoError(t, err)
				require.Equal(t, provider.Receipt{ProviderID: fmt.Sprintf("fake-%d", i+1), Status: "sent"}, r)
			}
			require.Equal(t, tt.fail+2, s.Attempts())
			sent := s.Sent()
			require.Len(t, sent, 2)
			require.Equal(t, fmt.Sprint(tt.fail), sent[0].MessageID)
		})
	}
}

func TestSendRefuses(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	s := fake.New(schematype.ChannelSMS)
	_, err := s.Send(cancelled, provider.Outgoing{MessageID: "1"})
	require.True(t, errors.Is(err, context.Canceled))
	_, err = s.Send(context.Background(), provider.Outgoing{MessageID: "2", Channel: schematype.ChannelEmail})
	require.True(t, provider.IsPermanent(err))
	require.Empty(t, s.Sent())
	require.Zero(t, s.Attempts())
}

func TestSendConcurrently(t *testing.T) {
	t.Parallel()
	s := fake.New(schematype.ChannelSMS)
	s.FailNext(10, nil)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { _, _ = s.Send(context.Background(), provider.Outgoing{MessageID: fmt.Sprint(i)}) })
	}
	wg.Wait()
	require.Len(t, s.Sent(), 40)
	require.Equal(t, 50, s.Attempts())
}

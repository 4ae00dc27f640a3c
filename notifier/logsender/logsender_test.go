package logsender_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/notifier/logsender"
	"github.com/kith-health/kith/notifier/provider"
	"github.com/kith-health/kith/schematype"
)

func TestSendLogs(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 250)
	tests := []struct {
		name    string
		channel schematype.Channel
		m       provider.Outgoing
		want    map[string]any
	}{
		{"SMS", schematype.ChannelSMS,
			provider.Outgoing{MessageID: "nt1", Channel: schematype.ChannelSMS, To: "+14165550188", Text: "See you at 10:00."},
			map[string]any{"message_id": "nt1", "channel": "SMS", "to": "+14165550188", "text": "See you at 10:00."}},
		{"email with a long text, whole", schematype.ChannelEmail,
			provider.Outgoing{MessageID: "nt2", To: "wei@example.com", Subject: "Tomorrow", HTML: "<p>markup</p>", Text: long},
			map[string]any{"message_id": "nt2", "channel": "EMAIL", "to": "wei@example.com", "subject": "Tomorrow", "text": long}},
		{"email with HTML only", schematype.ChannelEmail,
			provider.Outgoing{MessageID: "nt3", To: "wei@example.com", Subject: "Code", HTML: "<p>Your code: 123456</p>"},
			map[string]any{"message_id": "nt3", "channel": "EMAIL", "to": "wei@example.com", "subject": "Code", "html": "<p>Your code: 123456</p>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			s := logsender.New(tt.channel, slog.New(slog.NewJSONHandler(&buf, nil)))
			require.Equal(t, tt.channel, s.Channel())
			r, err := s.Send(context.Background(), tt.m)
			require.NoError(t, err)
			require.Equal(t, provider.Receipt{ProviderID: "log-" + tt.m.MessageID, Status: "logged"}, r)
			require.Equal(t, []provider.Outgoing{tt.m}, s.Sent())

			var line map[string]any
			require.NoError(t, json.Unmarshal(buf.Bytes(), &line), buf.String())
			require.Equal(t, "INFO", line["level"])
			require.Contains(t, line["msg"], "not sent")
			delete(line, "time")
			delete(line, "level")
			delete(line, "msg")
			require.Equal(t, tt.want, line)
			require.Equal(t, 1, strings.Count(buf.String(), "\n"), "one line per message")
		})
	}
}

func TestSentKeepsTheLatest(t *testing.T) {
	t.Parallel()
	s := logsender.New(schematype.ChannelSMS, slog.New(slog.DiscardHandler))
	const n = logsender.Capacity + 234
	var wg sync.WaitGroup
	for i := range n {
		_, err := s.Send(context.Background(), provider.Outgoing{MessageID: fmt.Sprint(i), To: "+14165550188"})
		require.NoError(t, err)
		if i%100 == 0 {
			wg.Go(func() { _ = s.Sent() }) // reading while sending is safe
		}
	}
	wg.Wait()
	sent := s.Sent()
	require.Len(t, sent, logsender.Capacity)
	require.Equal(t, fmt.Sprint(n-logsender.Capacity), sent[0].MessageID)
	require.Equal(t, fmt.Sprint(n-1), sent[len(sent)-1].MessageID)
}

func TestSendWrongChannel(t *testing.T) {
	t.Parallel()
	s := logsender.New(schematype.ChannelSMS, nil)
	_, err := s.Send(context.Background(), provider.Outgoing{MessageID: "nt1", Channel: schematype.ChannelEmail})
	require.True(t, provider.IsPermanent(err))
	require.Empty(t, s.Sent())
}

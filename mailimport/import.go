package mailimport

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kith-health/kith/communication"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/email"
	"github.com/kith-health/kith/ent"
	entcommunication "github.com/kith-health/kith/ent/communication"
	entmailbox "github.com/kith-health/kith/ent/mailbox"
	"github.com/kith-health/kith/mailbox"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// batchSize is how many messages one Fetch takes; each batch is recorded
// with its folder's new cursor in one transaction.
const batchSize = 50

// Result is what one Import did.
type Result struct {
	// Recorded counts the communications the import created.
	Recorded int
	// Skipped counts messages it could not read or that were too large.
	Skipped int
}

// Import imports mailbox id's inbox and sent folder from where the last
// import stopped, then, when the server offers IDLE and ctx leaves time,
// waits for new mail (Config.IdleWait) and imports again when some comes;
// Stop ends that wait at once.
// Each batch of messages is recorded with the folder's new cursor in one
// transaction, so a crash loses nothing and records nothing twice
// (communication.Record is idempotent by Message-ID anyway). A failure
// talking to the server is kept on the mailbox (last_error, a sentence
// without secrets) and Import returns nil: the next minute tries again.
// An inactive mailbox, or a service without key, imports nothing.
func (s *Service) Import(ctx context.Context, id pulid.ID) (Result, error) {
	return s.importMailbox(ctx, id, nil)
}

// importMailbox is Import; it does not wait with IDLE when others() reports
// that other imports wait for a worker (nil: never).
func (s *Service) importMailbox(ctx context.Context, id pulid.ID, others func(context.Context) bool) (Result, error) {
	var res Result
	if !s.Configured() {
		return res, nil
	}
	sys := viewer.SystemContext(ctx)
	m, err := s.db.Mailbox.Get(sys, id)
	switch {
	case ent.IsNotFound(err):
		return res, nil
	case err != nil:
		return res, fmt.Errorf("reading mailbox %s: %w", id, err)
	}
	if !m.Active || len(m.Secret) == 0 {
		return res, nil
	}
	ctx = viewer.NewContext(ctx, viewer.System{OrgID: m.OrganizationID})
	password, err := mailbox.Open(s.cfg.Key, m.Secret)
	if err != nil {
		return res, s.failed(ctx, m, err)
	}
	srv := s.server(m.Host, m.Port, m.Security, m.Username, password)
	cursors := m.Cursors
	if cursors == nil {
		cursors = map[string]schematype.MailboxCursor{}
	}
	folders := []string{m.InboxFolder}
	if m.SentFolder != "" && m.SentFolder != m.InboxFolder {
		folders = append(folders, m.SentFolder)
	}
	for {
		for _, folder := range folders {
			if err := s.importFolder(ctx, m, srv, folder, cursors, &res); err != nil {
				return res, s.failed(ctx, m, err)
			}
		}
		if err := s.db.Mailbox.UpdateOneID(m.ID).SetLastImportAt(time.Now().UTC()).SetLastError("").ClearLastErrorAt().Exec(ctx); err != nil {
			return res, fmt.Errorf("saving mailbox %s's import: %w", m.ID, err)
		}
		wait := s.cfg.IdleWait
		if deadline, ok := ctx.Deadline(); ok {
			wait = min(wait, time.Until(deadline)-10*time.Second)
		}
		if wait <= 0 || s.stopped() || (others != nil && others(ctx)) {
			return res, nil
		}
		cur := cursors[m.InboxFolder]
		more, err := s.idle(ctx, srv, m.InboxFolder, mailbox.State{UIDValidity: cur.UIDValidity, UID: cur.UID}, wait)
		if err != nil || !more {
			return res, nil // imported; waiting is a bonus
		}
	}
}

// idle is mailbox.Idle, ended at once (an error) by Stop.
func (s *Service) idle(ctx context.Context, srv mailbox.Server, folder string, since mailbox.State, wait time.Duration) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return mailbox.Idle(ctx, srv, folder, since, wait)
}

// importFolder fetches folder from its cursor in batches, recording each
// with the folder's new cursor in one transaction, until nothing is left.
// A folder without cursor (a new mailbox) starts FirstImport messages from
// its end; so does one whose UIDVALIDITY changed.
func (s *Service) importFolder(ctx context.Context, m *ent.Mailbox, srv mailbox.Server, folder string, cursors map[string]schematype.MailboxCursor, res *Result) error {
	cur, known := cursors[folder]
	state := mailbox.State{UIDValidity: cur.UIDValidity, UID: cur.UID}
	if !known {
		st, err := s.window(ctx, srv, folder)
		if err != nil {
			return err
		}
		state = st
	}
	for range 1000 { // bounded: ctx's deadline ends it sooner
		b, err := mailbox.Fetch(ctx, srv, folder, state, batchSize)
		if err != nil {
			return err
		}
		if b.Reset && known {
			// Renumbered: start again near the end, under the new UIDVALIDITY.
			st, err := s.window(ctx, srv, folder)
			if err != nil {
				return err
			}
			state, known = st, false
			continue
		}
		if err := s.record(ctx, m, folder, b, cursors, res); err != nil {
			return err
		}
		state = b.State
		if !b.More {
			return nil
		}
	}
	return nil
}

// window is where a folder's first import starts: FirstImport UIDs before
// its end.
func (s *Service) window(ctx context.Context, srv mailbox.Server, folder string) (mailbox.State, error) {
	st, err := mailbox.Status(ctx, srv, folder)
	if err != nil {
		return st, err
	}
	st.UID = max(st.UID, FirstImport) - FirstImport
	return st, nil
}

// record records a batch's messages and saves the folder's new cursor, in
// one transaction.
func (s *Service) record(ctx context.Context, m *ent.Mailbox, folder string, b mailbox.Batch, cursors map[string]schematype.MailboxCursor, res *Result) error {
	created, skipped := 0, len(b.Skipped)
	for _, sk := range b.Skipped {
		s.cfg.Logger.WarnContext(ctx, "mailbox message skipped", "mailbox", m.ID, "folder", folder, "uid", sk.UID, "size", sk.Size, "reason", sk.Reason)
	}
	next := map[string]schematype.MailboxCursor{}
	for k, v := range cursors {
		next[k] = v
	}
	next[folder] = schematype.MailboxCursor{UIDValidity: b.State.UIDValidity, UID: b.State.UID}
	if old, ok := cursors[folder]; ok && old == next[folder] && len(b.Messages) == 0 {
		return nil // nothing new: no write
	}
	_, err := transaction.Run(ctx, s.db, func(ctx context.Context, db *ent.Client) (struct{}, error) {
		created, skipped = 0, len(b.Skipped)
		for _, raw := range b.Messages {
			msg, err := email.Parse(raw.Data)
			if err != nil {
				skipped++
				s.cfg.Logger.WarnContext(ctx, "mailbox message unreadable", "mailbox", m.ID, "folder", folder, "uid", raw.UID, "err", err)
				continue
			}
			in := Input(m.OrganizationID, msg, entcommunication.SourceIMAP)
			in.MailboxID = m.ID
			if strings.EqualFold(msg.From.Email, m.Address) {
				in.Direction = entcommunication.DirectionOutbound
			}
			if in.OccurredAt.IsZero() {
				in.OccurredAt = raw.InternalDate
			}
			if msg.MessageID == "" {
				in.ProviderID = "imap:" + string(m.ID) + ":" + folder + ":" + strconv.FormatUint(uint64(b.State.UIDValidity), 10) + ":" + strconv.FormatUint(uint64(raw.UID), 10)
			}
			if _, made, err := communication.Record(ctx, db, in); err != nil {
				return struct{}{}, err
			} else if made {
				created++
			}
		}
		return struct{}{}, db.Mailbox.UpdateOneID(m.ID).SetCursors(next).Exec(ctx)
	})
	if err != nil {
		return fmt.Errorf("recording mailbox %s's %s: %w", m.ID, folder, err)
	}
	cursors[folder] = next[folder]
	res.Recorded += created
	res.Skipped += skipped
	return nil
}

// Input is the communication an email makes: INBOUND (the caller changes
// the direction of mail the practice sent), its addresses, subject, bodies,
// attachments' metadata and threading, with its Message-ID as provider ID.
func Input(orgID pulid.ID, msg *email.Message, source entcommunication.Source) communication.Input {
	in := communication.Input{
		OrganizationID: orgID, Kind: entcommunication.KindEmail, Direction: entcommunication.DirectionInbound, Source: source,
		ProviderID: msg.MessageID, OccurredAt: msg.Date,
		From: msg.From.Email, To: addresses(msg.To), Cc: addresses(msg.Cc),
		Title: msg.Subject, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML,
		MessageID: msg.MessageID, InReplyTo: msg.InReplyTo, References: msg.References, ThreadKey: email.ThreadKey(msg),
	}
	for _, a := range msg.Attachments {
		in.Attachments = append(in.Attachments, schematype.Attachment{Filename: a.Filename, ContentType: a.ContentType, Size: a.Size})
	}
	return in
}

func addresses(list []email.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		if a.Email != "" {
			out = append(out, a.Email)
		}
	}
	return out
}

// failed keeps why an import failed on the mailbox: a sentence without
// secrets (package mailbox's, or a general one, the error itself logged).
func (s *Service) failed(ctx context.Context, m *ent.Mailbox, cause error) error {
	if ctx.Err() != nil {
		return nil // stopped or out of time: the next run goes on
	}
	msg := "kith could not import from this mailbox; it tries again every minute"
	var me *mailbox.Error
	switch {
	case errors.As(cause, &me):
		msg = me.Error()
	case errors.Is(cause, mailbox.ErrSealed):
		msg = mailbox.ErrSealed.Error()
	default:
		s.cfg.Logger.ErrorContext(ctx, "mailbox import failed", "mailbox", m.ID, "err", cause)
	}
	err := s.db.Mailbox.UpdateOneID(m.ID).Where(entmailbox.Active(true)).
		SetLastError(schematype.Clip(msg, 255)).SetLastErrorAt(time.Now().UTC()).Exec(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return fmt.Errorf("saving mailbox %s's import error: %w", m.ID, err)
	}
	return nil
}

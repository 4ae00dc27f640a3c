package communication

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/communication"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Input is a communication as a provider or mailbox reports it, for Record.
type Input struct {
	// OrganizationID is the organisation it belongs to. Required.
	OrganizationID pulid.ID
	// Kind, Direction and Source say what it is and where kith learnt of it. Required.
	Kind      communication.Kind
	Direction communication.Direction
	Source    communication.Source
	// ProviderID is the provider's ID (a call or message SID, a
	// Message-ID): a second Record with the same one returns the first.
	ProviderID string
	// OccurredAt is when it happened; default now.
	OccurredAt time.Time
	// From, To and Cc are its addresses as they came.
	From   string
	To, Cc []string
	// Title is its one-line summary (an email's subject).
	Title string
	// Subject, Text and HTML are an email's (HTML is sanitised when
	// stored); Text is an SMS's text too.
	Subject, Text, HTML string
	// Attachments are an email's attachments' names, types and sizes.
	Attachments []schematype.Attachment
	// MessageID, InReplyTo, References and ThreadKey thread an email.
	MessageID, InReplyTo, ThreadKey string
	References                      []string
	// MailboxID is the mailbox an email was imported from.
	MailboxID pulid.ID
	// Status is a call's status; default OPEN.
	Status *communication.Status
	// StartedAt, AnsweredAt and EndedAt are a call's times.
	StartedAt, AnsweredAt, EndedAt *time.Time
	// DurationSeconds and Outcome are how long a call lasted and how it went.
	DurationSeconds *int
	Outcome         *communication.Outcome
	// ProviderStatus is the provider's last word on a call.
	ProviderStatus string
	// Extra are parties beside those its addresses match.
	Extra []Party
}

// Record writes in as kith, in the organisation, with the parties its
// addresses match (Match) and in.Extra, in the transaction of ctx or a
// new one. A communication the organisation already has with the same
// provider ID is returned as it is, with created false, so a repeated
// webhook or a second import records nothing new, also when two arrive at
// once.
func Record(ctx context.Context, db *ent.Client, in Input) (c *ent.Communication, created bool, err error) {
	if in.OrganizationID == "" {
		return nil, false, errors.New("recording a communication: an organisation is required")
	}
	in.ProviderID = clip(in.ProviderID) // as stored, so that a long one is found again
	sys := viewer.NewContext(ctx, viewer.System{OrgID: in.OrganizationID})
	if c, err := existing(sys, db, in); c != nil || err != nil {
		return c, false, err
	}
	c, err = transaction.Run(sys, db, func(ctx context.Context, db *ent.Client) (*ent.Communication, error) {
		return record(ctx, db, in)
	})
	if ent.IsConstraintError(err) && in.ProviderID != "" && transaction.From(ctx) == nil {
		// Another process recorded it between our read and our write.
		if c, err := existing(sys, db, in); c != nil || err != nil {
			return c, false, err
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("recording a %s: %w", in.Kind, err)
	}
	return c, true, nil
}

// existing is the organisation's communication with in's provider ID, or nil.
func existing(ctx context.Context, db *ent.Client, in Input) (*ent.Communication, error) {
	if in.ProviderID == "" {
		return nil, nil
	}
	c, err := transaction.Client(ctx, db).Communication.Query().
		Where(communication.OrganizationID(in.OrganizationID), communication.ProviderID(in.ProviderID)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("finding communication %s: %w", in.ProviderID, err)
	}
	return c, nil
}

func record(ctx context.Context, db *ent.Client, in Input) (*ent.Communication, error) {
	org, err := db.Organization.Query().Where(organization.ID(in.OrganizationID)).
		Select(organization.FieldDefaultPhoneRegion).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the organisation: %w", err)
	}
	at := in.OccurredAt
	if at.IsZero() {
		at = time.Now()
	}
	create := db.Communication.Create().
		SetKind(in.Kind).SetDirection(in.Direction).SetSource(in.Source).SetOccurredAt(at.UTC()).
		SetFromAddress(clip(in.From)).SetTitle(clip(in.Title)).
		SetSubject(schematype.Clip(in.Subject, 255)).SetTextBody(schematype.Clip(in.Text, maxBody)).SetHTMLBody(schematype.Clip(in.HTML, maxBody)).
		SetMessageID(clip(in.MessageID)).SetInReplyTo(clip(in.InReplyTo)).SetThreadKey(clip(in.ThreadKey)).
		SetNillableStartedAt(in.StartedAt).SetNillableAnsweredAt(in.AnsweredAt).SetNillableEndedAt(in.EndedAt).
		SetNillableDurationSeconds(in.DurationSeconds).SetNillableOutcome(in.Outcome).
		SetProviderStatus(schematype.Clip(in.ProviderStatus, 100)).SetNillableStatus(in.Status)
	if in.ProviderID != "" {
		create.SetProviderID(clip(in.ProviderID))
	}
	if len(in.To) > 0 {
		create.SetToAddresses(clipAll(in.To))
	}
	if len(in.Cc) > 0 {
		create.SetCcAddresses(clipAll(in.Cc))
	}
	if len(in.References) > 0 {
		create.SetReferences(clipAll(in.References))
	}
	if len(in.Attachments) > 0 {
		create.SetAttachments(in.Attachments)
	}
	if in.MailboxID != "" {
		create.SetMailboxID(in.MailboxID)
	}
	c, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	raw := append([]string{in.From}, in.To...)
	raw = append(raw, in.Cc...)
	parties, err := Match(ctx, db, ReadAddresses(org.DefaultPhoneRegion, raw...))
	if err != nil {
		return nil, err
	}
	if err := addParties(ctx, db, c, append(parties, in.Extra...)); err != nil {
		return nil, err
	}
	return c, nil
}

// maxAddresses caps the addresses of one communication kept for it.
const maxAddresses = 100

// maxBody caps a stored body, in characters, as the schema does.
const maxBody = 1_000_000

func clip(s string) string { return schematype.Clip(s, 255) }

func clipAll(list []string) []string {
	if len(list) > maxAddresses {
		list = list[:maxAddresses]
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = clip(s)
	}
	return out
}

package billing

import (
	"context"
	"fmt"
	"strings"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/activity"
	"github.com/kith-health/kith/billing/cardprocessor"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/savedcard"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// Cards lists client's saved cards, oldest first, as the viewer in ctx may
// read them: a portal contact without MANAGE_BILLING reads none.
func Cards(ctx context.Context, db *ent.Client, client pulid.ID) ([]*ent.SavedCard, error) {
	out, err := db.SavedCard.Query().Where(savedcard.ClientID(client)).
		Order(savedcard.ByCreatedAt(), savedcard.ByID()).
		Limit(100).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing saved cards: %w", err)
	}
	return out, nil
}

// AddCard saves a card for the acting client, as the portal viewer in ctx,
// from a one-time token of the provider's card form. kith keeps the
// provider's reusable token, the brand, the last four digits and the
// expiry.
func AddCard(ctx context.Context, db *ent.Client, provider cardprocessor.Provider, token string) (*ent.SavedCard, error) {
	p, err := biller(ctx)
	if err != nil {
		return nil, err
	}
	if !p.Can(string(schematype.PortalScopeManageBilling)) {
		return nil, kith.ErrForbidden // before the provider keeps a card kith would refuse
	}
	if provider == nil {
		return nil, errNoProvider
	}
	if token = strings.TrimSpace(token); token == "" {
		return nil, kith.Invalid("token", "enter a card: the token from the card form is empty")
	}
	// The provider is asked with no transaction open (addPortalCard is one
	// of graph's ownSteps), so that a slow provider holds no lock; the card
	// and its activity are then written in one short transaction.
	card, err := provider.SaveCard(ctx, token)
	if err != nil {
		return nil, providerError("token", err)
	}
	var out *ent.SavedCard
	err = step(ctx, db, func(ctx context.Context, db *ent.Client) error {
		create := db.SavedCard.Create().
			SetClientID(p.ClientID).SetAddedBy(p.Email).
			SetProviderToken(card.Token).SetBrand(schematype.Clip(card.Brand, 64)).SetLast4(schematype.Clip(card.Last4, 64)).
			SetExpMonth(card.ExpMonth).SetExpYear(card.ExpYear)
		if p.ContactID != "" {
			create.SetContactID(p.ContactID)
		}
		var err error
		if out, err = create.Save(ctx); err != nil {
			return fmt.Errorf("saving the card: %w", err)
		}
		return activity.Record(ctx, db, ActionCardAdded, describe(out), out.ID)
	})
	if err != nil {
		_ = provider.DeleteCard(ctx, card.Token) // best effort: the provider keeps no card kith forgot
		return nil, err
	}
	return out, nil
}

// RemoveCard deletes saved card id of the acting client, here and at the
// provider, as the portal viewer in ctx.
func RemoveCard(ctx context.Context, db *ent.Client, provider cardprocessor.Provider, id pulid.ID) error {
	if _, err := biller(ctx); err != nil {
		return err
	}
	if provider == nil {
		return errNoProvider
	}
	card, err := db.SavedCard.Get(ctx, id)
	if err != nil {
		return notFoundAs("id", id, err)
	}
	if err := db.SavedCard.DeleteOneID(id).Exec(ctx); err != nil {
		return notFoundAs("id", id, err)
	}
	if err := activity.Record(ctx, db, ActionCardRemoved, describe(card), card.ID); err != nil {
		return err
	}
	// The provider last: nothing after it can roll the card back into the
	// list once the provider has forgotten it.
	if err := provider.DeleteCard(ctx, card.ProviderToken); err != nil {
		return fmt.Errorf("removing the card at the payment provider: %w", err)
	}
	return nil
}

// describe names a card as people recognise it: "visa ending 4242".
func describe(c *ent.SavedCard) string { return c.Brand + " ending " + c.Last4 }

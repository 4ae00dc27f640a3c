package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/practice"
	"github.com/kith-health/kith/viewer"
)

func createOrg(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var p practice.Practice
	c, err := start(ctx, "org create", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&p.Name, "name", "", "the practice's name (required)")
		fs.StringVar(&p.Slug, "slug", "", "short sign-in name, such as maple-therapy (required)")
		fs.StringVar(&p.TimeZone, "time-zone", "UTC", "IANA time zone")
		fs.StringVar(&p.Language, "language", "en", "BCP 47 default language")
		fs.StringVar(&p.PhoneRegion, "phone-region", "US", "ISO 3166 region for phone numbers")
		fs.StringVar(&p.OwnerName, "owner-name", "", "the owner's name (required)")
		fs.StringVar(&p.OwnerEmail, "owner-email", "", "the owner's email (required)")
	}, func() error {
		if p.Name == "" || p.Slug == "" || p.OwnerName == "" || p.OwnerEmail == "" {
			return fmt.Errorf("org create needs --name, --slug, --owner-name and --owner-email")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer c.close()
	// The password comes from the environment only (KITH_OWNER_PASSWORD is
	// a secret), never a flag that shows in ps.
	p.OwnerPassword = c.cfg.OwnerPassword
	org, owner, err := practice.Create(ctx, c.db.Client, c.authn, p)
	if err != nil {
		return err
	}
	tok, err := c.authn.Issue(ctx, owner)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created organisation %s (%s) with owner %s (%s).\n", org.Name, org.ID, owner.Email, owner.ID)
	fmt.Fprintf(stdout, "Authorization: Bearer %s\n", tok.Secret)
	return nil
}

func mintToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var slug, email *string
	c, err := start(ctx, "token", args, getenv, stderr, func(fs *flag.FlagSet) {
		slug = fs.String("org", "", "the organisation's slug (required)")
		email = fs.String("email", "", "the staff member's email (required)")
	}, func() error {
		if *slug == "" || *email == "" {
			return fmt.Errorf("token needs --org and --email")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer c.close()
	st, err := c.db.Client.Staff.Query().
		Where(staff.HasOrganizationWith(organization.Slug(*slug)), staff.Email(strings.ToLower(*email)), staff.Active(true)).
		Only(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("no active staff member %s in %s", *email, *slug)
	}
	tok, err := c.authn.Issue(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Authorization: Bearer %s\n", tok.Secret)
	return nil
}

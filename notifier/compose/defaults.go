package compose

import (
	"strings"

	"github.com/kith-health/kith/schematype"
)

// Default returns kith's built-in template of kind for channel, in English or
// French. Any French tag (fr, fr-CA, …) gets French; every other language gets
// English. The returned Language says which was used ("en" or "fr"). SMS
// defaults have Text only; email defaults have Subject, HTML and Text. An
// unknown kind or channel gives a template with no text.
//
// Defaults greet the recipient by [RecipientFirstName] and speak of "the
// appointment for [ClientName]", which reads well whether the recipient is the
// client or a parent or contact. They use the placeholders their kind always
// fills, and optional ones only inside a section that shows when they have a
// value: the confirmation, reminder and reschedule notices carry
// [TelehealthLink] in an [IfTelehealth] section and [AppointmentLocation] in
// an [IfInPerson] one.
func Default(kind schematype.MessageKind, channel schematype.Channel, language string) Template {
	lang := messageLanguage(language)
	t := Template{Kind: kind, Channel: channel, Language: lang}
	l := defaultLanguages[lang]
	c, ok := l.kinds[kind]
	if !ok {
		return t
	}
	switch channel {
	case schematype.ChannelSMS:
		t.Text = c.sms
	case schematype.ChannelEmail:
		t.Subject = c.subject
		t.HTML = l.html(c)
		t.Text = l.text(c)
	}
	return t
}

// defaultLanguage holds kith's default copy in one language.
type defaultLanguage struct {
	tag      string
	greeting string // first line of an email
	signOff  string // line above [PracticeName] at the end of an email
	orOpen   string // introduces a button's link written out
	kinds    map[schematype.MessageKind]defaultCopy
}

// defaultCopy is the copy of one kind of message.
type defaultCopy struct {
	sms     string
	subject string
	body    []defaultBlock // email body between greeting and sign-off
}

// defaultBlock is a paragraph of an email body.
type defaultBlock struct {
	text string // the paragraph, or the label of a button
	link string // for a button, the placeholder it links to
	code bool   // text is a code to show large
	pre  bool   // text keeps its line breaks (a custom [Message])
	// section, when set, is the token that begins the section the block is
	// in, such as "IfTelehealth"; it ends with the block.
	section string
}

func defaultPara(text string) defaultBlock { return defaultBlock{text: text} }
func defaultButton(label, placeholder string) defaultBlock {
	return defaultBlock{text: label, link: placeholder}
}

// Inline styles: email clients ignore style sheets and external resources.
const (
	defaultStylePara   = `margin:0 0 16px;`
	defaultStyleButton = `display:inline-block;padding:12px 20px;border-radius:6px;background-color:#2f6f62;color:#ffffff;font-weight:bold;text-decoration:none;`
	defaultStyleLink   = `color:#2f6f62;word-break:break-all;`
	defaultStyleCode   = `margin:24px 0;font-family:'Courier New',Courier,monospace;font-size:28px;font-weight:bold;letter-spacing:4px;`
)

// telehealthBlock and inPersonBlock say where the session is, in sections:
// the video link for a telehealth appointment, the location for one in person.
func telehealthBlock(label string) defaultBlock {
	return defaultBlock{text: label, link: "TelehealthLink", section: "IfTelehealth"}
}
func inPersonBlock(text string) defaultBlock {
	return defaultBlock{text: text, section: "IfInPerson"}
}

// signatureBlock is a paragraph shown only about a form that asks for a
// signature.
func signatureBlock(text string) defaultBlock {
	return defaultBlock{text: text, section: "IfSignature"}
}

// text writes c as a plain-text email, paragraphs a blank line apart (a
// section's blank line is inside it).
func (l defaultLanguage) text(c defaultCopy) string {
	var s strings.Builder
	s.WriteString(l.greeting + "\n\n")
	for _, b := range c.body {
		p := b.text
		if b.link != "" {
			p += l.colon() + "[" + b.link + "]"
		}
		if b.section != "" {
			s.WriteString("[" + b.section + "]" + p + "\n\n[EndIf]")
			continue
		}
		s.WriteString(p + "\n\n")
	}
	s.WriteString(l.signOff + "\n[PracticeName]\n")
	return s.String()
}

// colon is ": " in English and " : " in French.
func (l defaultLanguage) colon() string {
	if l.tag == "fr" {
		return " : "
	}
	return ": "
}

// defaultHTMLText escapes default copy for HTML text, leaving quotes and
// apostrophes readable for those who edit the template.
var defaultHTMLText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\n", "<br>")

// html writes c as a self-contained, inline-styled HTML email.
func (l defaultLanguage) html(c defaultCopy) string {
	esc := func(s string) string { return defaultHTMLText.Replace(s) }
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="` + l.tag + `">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0;padding:0;background-color:#f4f4f2;">
<div style="max-width:560px;margin:0 auto;padding:32px 24px;background-color:#ffffff;font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;">
`)
	b.WriteString(`<p style="` + defaultStylePara + `">` + esc(l.greeting) + "</p>\n")
	for _, p := range c.body {
		if p.section != "" {
			b.WriteString("[" + p.section + "]")
		}
		switch {
		case p.link != "":
			href := "[" + p.link + "]"
			b.WriteString(`<p style="margin:24px 0;"><a href="` + href + `" style="` + defaultStyleButton + `">` + esc(p.text) + "</a></p>\n")
			b.WriteString(`<p style="` + defaultStylePara + `font-size:14px;">` + esc(l.orOpen) + ` <a href="` + href + `" style="` + defaultStyleLink + `">` + href + "</a></p>\n")
		case p.code:
			b.WriteString(`<p style="` + defaultStyleCode + `">` + esc(p.text) + "</p>\n")
		case p.pre:
			b.WriteString(`<p style="` + defaultStylePara + `white-space:pre-line;">` + esc(p.text) + "</p>\n")
		default:
			b.WriteString(`<p style="` + defaultStylePara + `">` + esc(p.text) + "</p>\n")
		}
		if p.section != "" {
			b.WriteString("[EndIf]")
		}
	}
	b.WriteString(`<p style="margin:24px 0 0;">` + esc(l.signOff) + "<br>[PracticeName]</p>\n</div>\n</body>\n</html>\n")
	return b.String()
}

// Where the session is, in the notices about an appointment to come: the
// SMS ending and the email paragraphs (see telehealthBlock, inPersonBlock).
const (
	enWhere    = "[IfTelehealth] Join by video: [TelehealthLink][EndIf][IfInPerson] Location: [AppointmentLocation][EndIf]"
	enJoin     = "Join the video session"
	enLocation = "Location: [AppointmentLocation]"
	frWhere    = "[IfTelehealth] Rejoindre par video : [TelehealthLink][EndIf][IfInPerson] Lieu : [AppointmentLocation][EndIf]"
	frJoin     = "Rejoindre la séance vidéo"
	frLocation = "Lieu : [AppointmentLocation]"
)

// defaultLanguages holds the default copy by language. SMS copy keeps to the
// GSM-7 alphabet (in French: no ê, â, î, ô, û or ç) so that it fits in two
// segments once filled.
var defaultLanguages = map[string]defaultLanguage{
	"en": {
		tag:      "en",
		greeting: "Hi [RecipientFirstName],",
		signOff:  "Kind regards,",
		orOpen:   "Or open this link:",
		kinds: map[schematype.MessageKind]defaultCopy{
			schematype.MessageKindReminder: {
				sms:     "Hi [RecipientFirstName], this is a reminder of the appointment for [ClientName] with [PractitionerName] on [AppointmentDate] at [AppointmentTime]." + enWhere + "\n[PracticeName]",
				subject: "Appointment reminder: [AppointmentDate] at [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("This is a reminder of the appointment for [ClientName] with [PractitionerName] on [AppointmentDate], from [AppointmentTime] to [AppointmentEndTime]."),
					telehealthBlock(enJoin), inPersonBlock(enLocation),
					defaultPara("If you need to reschedule or cancel, please let us know as soon as possible."),
				},
			},
			schematype.MessageKindConfirmation: {
				sms:     "Hi [RecipientFirstName], the appointment for [ClientName] with [PractitionerName] is confirmed for [AppointmentDate] at [AppointmentTime]." + enWhere + "\n[PracticeName]",
				subject: "Appointment confirmed: [AppointmentDate] at [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("The appointment for [ClientName] with [PractitionerName] is confirmed for [AppointmentDate], from [AppointmentTime] to [AppointmentEndTime]."),
					telehealthBlock(enJoin), inPersonBlock(enLocation),
					defaultPara("If you need to reschedule or cancel, please let us know as soon as possible."),
				},
			},
			schematype.MessageKindReschedule: {
				sms:     "Hi [RecipientFirstName], the appointment for [ClientName] with [PractitionerName] has been moved to [AppointmentDate] at [AppointmentTime]." + enWhere + "\n[PracticeName]",
				subject: "Appointment rescheduled: [AppointmentDate] at [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("The appointment for [ClientName] with [PractitionerName] has been moved. It is now on [AppointmentDate], from [AppointmentTime] to [AppointmentEndTime]."),
					telehealthBlock(enJoin), inPersonBlock(enLocation),
					defaultPara("If the new time doesn't work, please let us know."),
				},
			},
			schematype.MessageKindCancellation: {
				sms:     "Hi [RecipientFirstName], the appointment for [ClientName] with [PractitionerName] on [AppointmentDate] at [AppointmentTime] has been cancelled. Please contact us to book another time.\n[PracticeName]",
				subject: "Appointment cancelled: [AppointmentDate] at [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("The appointment for [ClientName] with [PractitionerName] on [AppointmentDate] at [AppointmentTime] has been cancelled."),
					defaultPara("If you would like to book another time, please get in touch. We're happy to help."),
				},
			},
			schematype.MessageKindMissed: {
				sms:     "Hi [RecipientFirstName], the appointment for [ClientName] with [PractitionerName] on [AppointmentDate] at [AppointmentTime] was missed. We hope all is well. Please contact us to book another time.\n[PracticeName]",
				subject: "Missed appointment on [AppointmentDate]",
				body: []defaultBlock{
					defaultPara("The appointment for [ClientName] with [PractitionerName] on [AppointmentDate] at [AppointmentTime] was marked as missed."),
					defaultPara("We hope all is well. Please get in touch to book another time."),
				},
			},
			schematype.MessageKindScheduled: {
				sms:     "Hi [RecipientFirstName],\n[Message]\n[PracticeName]",
				subject: "A message from [PracticeName]",
				body:    []defaultBlock{{text: "[Message]", pre: true}},
			},
			schematype.MessageKindPortalInvitation: {
				sms:     "Hi [RecipientFirstName], [PracticeName] has invited you to its secure client portal. Accept the invitation here: [PortalLink]",
				subject: "Your invitation to the [PracticeName] client portal",
				body: []defaultBlock{
					defaultPara("[PracticeName] has invited you to its secure client portal, where you can exchange messages with us privately."),
					defaultButton("Accept the invitation", "PortalLink"),
					defaultPara("If you weren't expecting this invitation, you can ignore this email."),
				},
			},
			schematype.MessageKindSignInCode: {
				sms:     "Hi [RecipientFirstName], your [PracticeName] sign-in code is [SignInCode]. Never share it. If you didn't ask for it, you can ignore this message.",
				subject: "Your [PracticeName] sign-in code",
				body: []defaultBlock{
					defaultPara("Here is your sign-in code:"),
					{text: "[SignInCode]", code: true},
					defaultPara("Never share this code with anyone. If you didn't ask for it, you can ignore this email."),
				},
			},
			schematype.MessageKindPortalMessage: {
				sms:     "Hi [RecipientFirstName], you have a new message from [PracticeName] in its secure client portal: [PortalLink]",
				subject: "You have a new message from [PracticeName]",
				body: []defaultBlock{
					defaultPara("You have a new message from [PracticeName] in its secure client portal. For your privacy, it is not included in this email."),
					defaultButton("Read the message", "PortalLink"),
				},
			},
			schematype.MessageKindFormRequest: {
				sms:     "Hi [RecipientFirstName], [PracticeName] has sent you a form to fill in[IfSignature] and sign[EndIf] in its client portal: [FormTitle]. Open it here: [PortalLink]",
				subject: "[PracticeName] has sent you a form: [FormTitle]",
				body: []defaultBlock{
					defaultPara("[PracticeName] has sent you the form \"[FormTitle]\" to fill in in its secure client portal."),
					signatureBlock("This form asks for your signature: you sign it by typing your full name when you submit it."),
					defaultButton("Open the form", "PortalLink"),
				},
			},
			schematype.MessageKindFormReminder: {
				sms:     "Hi [RecipientFirstName], a reminder from [PracticeName]: the form [FormTitle] still waits for you[IfSignature] to fill in and sign[EndIf] in its client portal: [PortalLink]",
				subject: "Reminder: the form [FormTitle] is waiting for you",
				body: []defaultBlock{
					defaultPara("This is a reminder that the form \"[FormTitle]\", sent to you on [FormSentDate], still waits for you in the secure client portal of [PracticeName]."),
					signatureBlock("This form asks for your signature: you sign it by typing your full name when you submit it."),
					defaultButton("Open the form", "PortalLink"),
				},
			},
		},
	},
	"fr": {
		tag:      "fr",
		greeting: "Bonjour [RecipientFirstName],",
		signOff:  "Cordialement,",
		orOpen:   "Ou ouvrez ce lien :",
		kinds: map[schematype.MessageKind]defaultCopy{
			schematype.MessageKindReminder: {
				sms:     "Bonjour [RecipientFirstName], nous vous rappelons le rendez-vous de [ClientName] avec [PractitionerName] le [AppointmentDate] à [AppointmentTime]." + frWhere + "\n[PracticeName]",
				subject: "Rappel de rendez-vous : [AppointmentDate] à [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("Nous vous rappelons le rendez-vous de [ClientName] avec [PractitionerName] le [AppointmentDate], de [AppointmentTime] à [AppointmentEndTime]."),
					telehealthBlock(frJoin), inPersonBlock(frLocation),
					defaultPara("Si vous devez le déplacer ou l'annuler, veuillez nous en informer dès que possible."),
				},
			},
			schematype.MessageKindConfirmation: {
				sms:     "Bonjour [RecipientFirstName], le rendez-vous de [ClientName] avec [PractitionerName] est confirmé pour le [AppointmentDate] à [AppointmentTime]." + frWhere + "\n[PracticeName]",
				subject: "Rendez-vous confirmé : [AppointmentDate] à [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("Le rendez-vous de [ClientName] avec [PractitionerName] est confirmé pour le [AppointmentDate], de [AppointmentTime] à [AppointmentEndTime]."),
					telehealthBlock(frJoin), inPersonBlock(frLocation),
					defaultPara("Si vous devez le déplacer ou l'annuler, veuillez nous en informer dès que possible."),
				},
			},
			schematype.MessageKindReschedule: {
				sms:     "Bonjour [RecipientFirstName], le rendez-vous de [ClientName] avec [PractitionerName] a été déplacé au [AppointmentDate] à [AppointmentTime]." + frWhere + "\n[PracticeName]",
				subject: "Rendez-vous déplacé : [AppointmentDate] à [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("Le rendez-vous de [ClientName] avec [PractitionerName] a été déplacé. Il aura lieu le [AppointmentDate], de [AppointmentTime] à [AppointmentEndTime]."),
					telehealthBlock(frJoin), inPersonBlock(frLocation),
					defaultPara("Si ce nouvel horaire ne vous convient pas, veuillez nous en informer."),
				},
			},
			schematype.MessageKindCancellation: {
				sms:     "Bonjour [RecipientFirstName], le rendez-vous de [ClientName] avec [PractitionerName] du [AppointmentDate] à [AppointmentTime] a été annulé. Communiquez avec nous pour en fixer un autre.\n[PracticeName]",
				subject: "Rendez-vous annulé : [AppointmentDate] à [AppointmentTime]",
				body: []defaultBlock{
					defaultPara("Le rendez-vous de [ClientName] avec [PractitionerName] du [AppointmentDate] à [AppointmentTime] a été annulé."),
					defaultPara("Pour en fixer un autre, n'hésitez pas à communiquer avec nous. Nous serons heureux de vous aider."),
				},
			},
			schematype.MessageKindMissed: {
				sms:     "Bonjour [RecipientFirstName], le rendez-vous de [ClientName] avec [PractitionerName] du [AppointmentDate] à [AppointmentTime] a été manqué. Nous espérons que tout va bien. Communiquez avec nous pour en fixer un autre.\n[PracticeName]",
				subject: "Rendez-vous manqué du [AppointmentDate]",
				body: []defaultBlock{
					defaultPara("Le rendez-vous de [ClientName] avec [PractitionerName] du [AppointmentDate] à [AppointmentTime] a été marqué comme manqué."),
					defaultPara("Nous espérons que tout va bien. N'hésitez pas à communiquer avec nous pour fixer un autre rendez-vous."),
				},
			},
			schematype.MessageKindScheduled: {
				sms:     "Bonjour [RecipientFirstName],\n[Message]\n[PracticeName]",
				subject: "Un message de [PracticeName]",
				body:    []defaultBlock{{text: "[Message]", pre: true}},
			},
			schematype.MessageKindPortalInvitation: {
				sms:     "Bonjour [RecipientFirstName], [PracticeName] vous invite à rejoindre son portail client sécurisé. Acceptez l'invitation ici : [PortalLink]",
				subject: "Invitation au portail client de [PracticeName]",
				body: []defaultBlock{
					defaultPara("[PracticeName] vous invite à rejoindre son portail client sécurisé, où vous pourrez échanger des messages avec nous en toute confidentialité."),
					defaultButton("Accepter l'invitation", "PortalLink"),
					defaultPara("Si vous n'attendiez pas cette invitation, vous pouvez ignorer ce courriel."),
				},
			},
			schematype.MessageKindSignInCode: {
				sms:     "Bonjour [RecipientFirstName], votre code de connexion pour [PracticeName] est [SignInCode]. Ne le partagez avec personne. Si vous ne l'avez pas demandé, ignorez ce message.",
				subject: "Votre code de connexion pour [PracticeName]",
				body: []defaultBlock{
					defaultPara("Voici votre code de connexion :"),
					{text: "[SignInCode]", code: true},
					defaultPara("Ne le partagez avec personne. Si vous ne l'avez pas demandé, vous pouvez ignorer ce courriel."),
				},
			},
			schematype.MessageKindPortalMessage: {
				sms:     "Bonjour [RecipientFirstName], vous avez un nouveau message de [PracticeName] dans son portail client sécurisé : [PortalLink]",
				subject: "Vous avez un nouveau message de [PracticeName]",
				body: []defaultBlock{
					defaultPara("Vous avez un nouveau message de [PracticeName] dans son portail client sécurisé. Pour protéger votre vie privée, il n'est pas inclus dans ce courriel."),
					defaultButton("Lire le message", "PortalLink"),
				},
			},
			schematype.MessageKindFormRequest: {
				sms:     "Bonjour [RecipientFirstName], [PracticeName] vous a envoyé un formulaire à remplir[IfSignature] et à signer[EndIf] dans son portail client : [FormTitle]. Ouvrez-le ici : [PortalLink]",
				subject: "[PracticeName] vous a envoyé un formulaire : [FormTitle]",
				body: []defaultBlock{
					defaultPara("[PracticeName] vous a envoyé le formulaire « [FormTitle] » à remplir dans son portail client sécurisé."),
					signatureBlock("Ce formulaire demande votre signature : vous le signez en tapant votre nom complet au moment de l'envoyer."),
					defaultButton("Ouvrir le formulaire", "PortalLink"),
				},
			},
			schematype.MessageKindFormReminder: {
				sms:     "Bonjour [RecipientFirstName], rappel de [PracticeName] : le formulaire [FormTitle] vous attend toujours[IfSignature] (à remplir et à signer)[EndIf] dans son portail client : [PortalLink]",
				subject: "Rappel : le formulaire [FormTitle] vous attend",
				body: []defaultBlock{
					defaultPara("Nous vous rappelons que le formulaire « [FormTitle] », envoyé le [FormSentDate], vous attend toujours dans le portail client sécurisé de [PracticeName]."),
					signatureBlock("Ce formulaire demande votre signature : vous le signez en tapant votre nom complet au moment de l'envoyer."),
					defaultButton("Ouvrir le formulaire", "PortalLink"),
				},
			},
		},
	},
}

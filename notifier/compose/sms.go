package compose

import "strings"

// The SMS encodings AnalyzeSMS reports.
const (
	SMSEncodingGSM7 = "GSM-7"
	SMSEncodingUCS2 = "UCS-2"
)

// SMSInfo describes how a text travels as SMS.
type SMSInfo struct {
	// Encoding is SMSEncodingGSM7 when every character is in the GSM 03.38
	// alphabet, else SMSEncodingUCS2.
	Encoding string
	// Segments is how many SMS the text is sent as; 0 for empty text.
	Segments int
	// Characters counts code units: septets for GSM-7 (extension characters
	// count 2), UTF-16 units for UCS-2 (characters beyond the BMP, such as
	// emoji, count 2).
	Characters int
}

// Segment sizes in code units: one SMS alone, or each part of a
// concatenated SMS (whose header takes the rest).
const (
	smsGSMSingle  = 160
	smsGSMPart    = 153
	smsUCS2Single = 70
	smsUCS2Part   = 67
)

// smsGSMBasic is the GSM 03.38 basic character set (without the escape).
const smsGSMBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// smsGSMExtension is the GSM 03.38 extension table: each is sent as the escape
// plus a septet.
const smsGSMExtension = "\f^{}\\[~]|€"

// AnalyzeSMS reports the encoding, segment count and length of text sent as
// SMS. A character taking two code units (a GSM extension character, a UTF-16
// surrogate pair) is never split across segments, so a long text can need
// more segments than its length alone suggests.
func AnalyzeSMS(text string) SMSInfo {
	encoding, single, part := SMSEncodingGSM7, smsGSMSingle, smsGSMPart
	for _, r := range text {
		if !strings.ContainsRune(smsGSMBasic, r) && !strings.ContainsRune(smsGSMExtension, r) {
			encoding, single, part = SMSEncodingUCS2, smsUCS2Single, smsUCS2Part
			break
		}
	}
	units := make([]int, 0, len(text)) // code units of each character
	for _, r := range text {
		switch {
		case encoding == SMSEncodingGSM7 && strings.ContainsRune(smsGSMExtension, r),
			encoding == SMSEncodingUCS2 && r > 0xFFFF:
			units = append(units, 2)
		default:
			units = append(units, 1)
		}
	}
	info := SMSInfo{Encoding: encoding}
	for _, u := range units {
		info.Characters += u
	}
	switch {
	case info.Characters == 0:
	case info.Characters <= single:
		info.Segments = 1
	default:
		info.Segments = 1
		used := 0
		for _, u := range units {
			if used+u > part {
				info.Segments++
				used = 0
			}
			used += u
		}
	}
	return info
}

package formschema

// DisplayRow is one printed line of a filled form: the field's label and
// its value as a person reads it.
type DisplayRow struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Display returns one row per field in schema order, empty fields
// included (a printed form shows every line), with values written the
// Vietnamese way: dates dd/mm/yyyy, numbers "1.234,5", checkboxes "Có" or
// "Không", files by name. The values are plain text: the template that
// prints them escapes them.
func (s Schema) Display(entry Entry) []DisplayRow {
	return s.DisplayIn(entry, Vietnamese)
}

// DisplayIn is Display with the words it adds (a checkbox's Yes and No)
// in another language.
func (s Schema) DisplayIn(entry Entry, l Labels) []DisplayRow {
	rows := make([]DisplayRow, len(s.Fields))
	for i, f := range s.Fields {
		rows[i] = DisplayRow{Label: f.Label, Value: displayValue(f, entry[f.Name], l)}
	}
	return rows
}

func displayValue(f Field, v any, l Labels) string {
	switch f.Type {
	case TypeNumber:
		if n, ok := v.(float64); ok {
			return formatNumber(n)
		}
	case TypeDate:
		if d, ok := v.(string); ok {
			return formatDate(d)
		}
	case TypeCheckbox:
		if on, _ := v.(bool); on {
			return l.Yes
		}
		return l.No
	case TypeFile:
		if r, ok := v.(FileRef); ok {
			return r.Name
		}
	default:
		if s, ok := v.(string); ok {
			return s
		}
	}
	return ""
}

// Labels are the words a displayed form adds to the schema's own.
type Labels struct {
	Yes, No string // a checkbox's value
}

// Vietnamese are the labels Display uses.
var Vietnamese = Labels{Yes: "Có", No: "Không"}

package accesslog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxLine is the longest line read; a longer one is malformed.
const MaxLine = 1 << 20

// file reads one log file, plain or gzip, one entry at a time.
type file struct {
	name   string
	f      *os.File
	gz     *gzip.Reader
	r      *bufio.Reader
	line   int
	format Format
	p      parser
	long   []byte // a line longer than r's buffer, assembled
	e      Entry  // the entry last read
	done   bool
}

// parser holds what parsing one file's lines needs between lines.
type parser struct {
	o     *Options
	clock clock
}

func openFile(name string, o *Options) (*file, error) {
	f, err := os.Open(name)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot read: %v", name, err)
	}
	fl := &file{name: name, f: f, format: o.Format, p: parser{o: o}}
	br := bufio.NewReaderSize(f, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: gzip: %v", name, err)
		}
		fl.gz = gz
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	fl.r = br
	return fl, nil
}

func (f *file) close() error {
	if f.gz != nil {
		f.gz.Close()
	}
	return f.f.Close()
}

// next reads the file's next entry into f.e; it returns false at the end.
// Lines that cannot be read are counted in m; requests outside the cut in
// *cut. An error is a failure to read the file itself.
func (f *file) next(m *Malformed, cut *int64) (bool, error) {
	o := f.p.o
	for {
		line, err := f.readLine()
		if err == io.EOF {
			f.done = true
			return false, nil
		}
		f.line++
		if err == errLong {
			m.add(f.name, f.line, fmt.Errorf("line longer than %d bytes", MaxLine))
			continue
		}
		if err != nil {
			return false, fmt.Errorf("%s:%d: %v", f.name, f.line, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := f.parse(line); err != nil {
			m.add(f.name, f.line, err)
			continue
		}
		if (!o.From.IsZero() && f.e.Time.Before(o.From)) || (!o.To.IsZero() && !f.e.Time.Before(o.To)) {
			*cut++
			continue
		}
		return true, nil
	}
}

// parse reads line into f.e, detecting the file's format on its first
// readable line.
func (f *file) parse(line []byte) error {
	if line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	switch f.format {
	case Combined:
		return f.p.parseCombined(line, &f.e)
	case ALB:
		return f.p.parseALB(line, &f.e)
	case JSON:
		return f.p.parseJSON(line, &f.e)
	}
	switch {
	case bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("{")):
		f.format = JSON
	case looksALB(line):
		f.format = ALB
	case f.p.parseCombined(line, &f.e) == nil:
		f.format = Combined
		return nil
	default:
		return errors.New("not a known access log format (nginx/Apache combined, AWS ALB, JSON lines)")
	}
	return f.parse(line)
}

var errLong = errors.New("line too long")

// readLine returns the next line without its newline; the bytes hold until
// the next call.
func (f *file) readLine() ([]byte, error) {
	line, err := f.r.ReadSlice('\n')
	if err == nil {
		return line[:len(line)-1], nil
	}
	if err == bufio.ErrBufferFull {
		f.long = append(f.long[:0], line...)
		for {
			line, err = f.r.ReadSlice('\n')
			if len(f.long)+len(line) > MaxLine {
				f.long = f.long[:0]
				// Skip to the end of the line.
				for err == bufio.ErrBufferFull {
					_, err = f.r.ReadSlice('\n')
				}
				if err != nil && err != io.EOF {
					return nil, err
				}
				return nil, errLong
			}
			f.long = append(f.long, line...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == nil {
				return f.long[:len(f.long)-1], nil
			}
			if err == io.EOF {
				return f.long, nil
			}
			return nil, err
		}
	}
	if err == io.EOF && len(line) > 0 {
		return line, nil // the last line has no newline
	}
	return nil, err
}

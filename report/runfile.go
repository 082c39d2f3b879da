package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// MaxRunFile is the largest run.json a report reads: a day of 1 s windows
// with two streams is about 42 MB, so this is weeks of windows.
const MaxRunFile = 2 << 30

// readRunFile reads a run.json, refusing at once what cannot be a record:
// a file over MaxRunFile, or one that does not open with the schema
// version this burstlab reads (run.json's first field), so a large file of
// something else is not read whole before being turned down.
func readRunFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if fi.Size() > MaxRunFile {
		return nil, fmt.Errorf("%s: %d bytes, over the %d a record can hold", path, fi.Size(), int64(MaxRunFile))
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(64 << 10)
	if err := checkSchema(head); err != nil {
		return nil, fmt.Errorf("%s: not a burstlab record: %v", path, err)
	}
	data := make([]byte, 0, fi.Size()+1)
	buf := bytes.NewBuffer(data)
	if _, err := io.Copy(buf, br); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkSchema reads the opening of a run.json: an object whose first key
// is "schema" with this burstlab's version.
func checkSchema(head []byte) error {
	dec := json.NewDecoder(bytes.NewReader(head))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return fmt.Errorf("it does not open with a JSON object")
	}
	key, err := dec.Token()
	if err != nil || key != "schema" {
		return fmt.Errorf("its first field is not \"schema\"")
	}
	var v int
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("schema: want a version number")
	}
	if v != SchemaVersion {
		return fmt.Errorf("schema %d, this burstlab reads %d", v, SchemaVersion)
	}
	return nil
}

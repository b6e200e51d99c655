/* SPDX-License-Identifier: Apache-2.0 */
/* py_sinks.h - the embedded-Python targets' output sinks (py_sinks.c).
 * Include Python.h first. */
#ifndef RT_PY_SINKS_H
#define RT_PY_SINKS_H

/* The glue's sink numbers (redirtorture_glue.py SINK_*). */
enum { SINK_TERMINAL, SINK_STDOUT, SINK_STDERR, SINK_CAPTURE, SINK_CAPTURE_STDOUT,
       SINK_CAPTURE_STDERR, NSINKS };

/* sink_write(sink, text), the glue's SinkFile.write (GIL held). */
extern PyMethodDef py_sink_write_def;

/* A run's sinks, the "capture" ones only for py: modules; closing
 * restores fd 1/2 (py_sinks_fds_open), then writes out partial lines,
 * newline added.  Every sink reads text as a screen does: control
 * sequences dropped, '\r' starts the writer's line over. */
void py_sinks_open(int with_capture);
void py_sinks_close(void);
/* After open: fd 1/2 are pipes drained into sinks stdout/stderr, and the
 * glue's stdout/stderr write their lines there (py_fds.c); with echo the
 * drain also copies them to the real stdout/stderr, and close writes the
 * threads' partial lines there too.  0 or -errno. */
int py_sinks_fds_open(int echo);

#endif

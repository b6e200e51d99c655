/* SPDX-License-Identifier: Apache-2.0 */
/* py_sinks.h - the embedded-Python targets' output sinks (py_sinks.c).
 * Include Python.h first. */
#ifndef RT_PY_SINKS_H
#define RT_PY_SINKS_H

/* The glue's sink numbers (redirtorture_glue.py SINK_*). */
enum { SINK_TERMINAL, SINK_STDOUT, SINK_STDERR, SINK_CAPTURE, NSINKS };

/* sink_write(sink, text), the glue's SinkFile.write (GIL held). */
extern PyMethodDef py_sink_write_def;

/* A run's sinks, "capture" only for py: modules; closing writes out partial
 * lines, newline added. */
void py_sinks_open(int with_capture);
void py_sinks_close(void);
/* After open: stdout/stderr are a screen (a program's real terminal):
 * control sequences dropped, '\r' starts the writer's line over. */
void py_sinks_screen(int on);

#endif

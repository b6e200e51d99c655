/* site.h - where a target does something: file, line, function. */
#ifndef RT_SITE_H
#define RT_SITE_H

struct rt_site {
	const char *file;
	int line;
	const char *func;
};
#define RT_SITE ((struct rt_site){ __FILE__, __LINE__, __func__ })

enum rt_stream { RT_STDOUT = 1, RT_STDERR = 2 };

#endif

#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
// SwiftPM drops pkg-config's -D flags, so enable the wide-character API here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

// ncurses' globals (stdscr, COLS, LINES, ESCDELAY) are mutable C globals and its attribute and
// colour helpers are function-like macros: neither imports into Swift 6 cleanly. These small
// wrappers are the only way TerminalUI touches them.

static inline int ct_columns(void) { return COLS; }
static inline int ct_rows(void) { return LINES; }
static inline void ct_set_escdelay(int ms) { set_escdelay(ms); }
static inline int ct_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
static inline void ct_timeout(int ms) { wtimeout(stdscr, ms); }
static inline int ct_getch(void) { return wgetch(stdscr); }
static inline int ct_key_resize(void) { return KEY_RESIZE; }
static inline int ct_err(void) { return ERR; }
static inline int ct_erase(void) { return werase(stdscr); }
static inline int ct_refresh(void) { return wrefresh(stdscr); }
static inline int ct_move(int row, int column) { return wmove(stdscr, row, column); }
static inline int ct_add_wide(const wchar_t *text, int count) { return waddnwstr(stdscr, text, count); }
static inline int ct_attrset(attr_t attributes, short pair) { return wattr_set(stdscr, attributes, pair, NULL); }
static inline int ct_leaveok(int on) { return leaveok(stdscr, on ? TRUE : FALSE); }
static inline attr_t ct_a_normal(void) { return A_NORMAL; }
static inline attr_t ct_a_bold(void) { return A_BOLD; }
static inline attr_t ct_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ct_a_reverse(void) { return A_REVERSE; }
static inline attr_t ct_a_dim(void) { return A_DIM; }
static inline short ct_color_default(void) { return -1; }
static inline short ct_color_black(void) { return COLOR_BLACK; }
static inline short ct_color_red(void) { return COLOR_RED; }
static inline short ct_color_green(void) { return COLOR_GREEN; }
static inline short ct_color_yellow(void) { return COLOR_YELLOW; }
static inline short ct_color_blue(void) { return COLOR_BLUE; }
static inline short ct_color_magenta(void) { return COLOR_MAGENTA; }
static inline short ct_color_cyan(void) { return COLOR_CYAN; }
static inline short ct_color_white(void) { return COLOR_WHITE; }
// Starts curses on stdin/stdout without initscr's exit-on-failure; returns 0 on success.
static inline int ct_start(void) {
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) return -1;
    set_term(screen);
    return 0;
}

// Bytes that bypass curses' buffer (bracketed-paste mode switches); flushes curses first.
static inline void ct_write_raw(const char *bytes) {
    fflush(stdout);
    ssize_t ignored = write(STDOUT_FILENO, bytes, strlen(bytes));
    (void)ignored;
}

// The kernel's idea of the window size, so a resize is seen even without SIGWINCH delivery.
static inline int ct_window_size(int *rows, int *columns) {
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_row == 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

#endif

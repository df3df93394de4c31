/* The journal library's methods, for its hosts: a journal per key, opened,
 * appended to, read and closed. Every method replies on the lane it runs
 * on; a journal lives on the lane of its key. */
#ifndef JOURNAL_H
#define JOURNAL_H

#define JOURNAL_OPEN 1u   /* empty payload; error JOURNAL_E_OPEN if open */
#define JOURNAL_APPEND 2u /* payload: the entry; replies the entry count */
#define JOURNAL_CLOSE 3u  /* empty payload */
#define JOURNAL_READ 4u   /* empty payload; replies the entry count */

/* Library error codes (with TETHER_E_LIBRARY). */
#define JOURNAL_E_OPEN 1     /* OPEN of a journal already open */
#define JOURNAL_E_NOT_OPEN 2 /* APPEND or CLOSE of a journal not open */
#define JOURNAL_E_NO_SUCH 3  /* READ of a key never opened */
#define JOURNAL_E_MEMORY 4   /* out of memory */
#define JOURNAL_E_METHOD 404 /* unknown method */

#endif /* JOURNAL_H */

/*
 * boot.S -- a 512-byte guest whose only job is to write to its boot disk.
 *
 * Used by tests/lib/qemu-ioerror.sh: the guest has no OS, the BIOS loads
 * this sector at 0000:7C00 and it streams 32 KiB writes over the disk with
 * INT 13h AH=43h (extended write, LBA packet) forever, wrapping at 64 MiB.
 * On a raw disk file that sits on an almost-full tmpfs the writes soon hit
 * ENOSPC, and with error_policy='stop' QEMU pauses the domain: libvirt then
 * reports PAUSED / VIR_DOMAIN_PAUSED_IOERROR, exactly what a NAS backup to
 * a full target leaves behind (#12821).  Once space is freed and the domain
 * is resumed, QEMU retries the failed request and the loop goes on.
 *
 * Build: as --32 boot.S -o boot.o
 *        ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o boot.bin boot.o
 */
	.code16
	.text
	.globl	_start

	.set	BUFSEG, 0x1000		/* buffer at linear 0x10000, clear of us */
	.set	NSECT, 64		/* sectors per write: 32 KiB */
	.set	WRAP, 131072		/* 64 MiB in 512-byte sectors */

_start:
	ljmp	$0, $start		/* some BIOSes enter at 07C0:0000 */
start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %ss
	movw	$0x7c00, %sp
	sti
	movb	%dl, drive		/* boot drive number from the BIOS */

	movw	$BUFSEG, %ax		/* fill the buffer with a pattern */
	movw	%ax, %es
	xorw	%di, %di
	movw	$(NSECT * 256), %cx	/* words */
	movw	$0x5aa5, %ax
	cld
	rep	stosw

next:
	movw	$packet, %si		/* DS:SI -> disk address packet */
	movb	drive, %dl
	movw	$0x4300, %ax		/* AH=43h write, AL=0 no verify */
	int	$0x13
	movl	sector, %eax		/* errors are QEMU's business: go on */
	addl	$NSECT, %eax
	cmpl	$WRAP, %eax
	jb	1f
	movl	$1, %eax		/* sector 0 is this code: skip it */
1:	movl	%eax, sector
	jmp	next

drive:	.byte	0
	.balign	4
packet:	.byte	16, 0			/* packet size, reserved */
	.word	NSECT			/* sector count */
	.word	0, BUFSEG		/* buffer offset, segment */
sector:	.long	1, 0			/* 64-bit starting LBA */

	.org	510
	.word	0xaa55			/* boot signature */

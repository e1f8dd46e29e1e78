//go:build amd64 && !purego

#include "textflag.h"

// func sgemm4x32(k int, a *float32, ars int, aks int, b *float32, ldb int, c *float32, ldc int, acc int)
//
// C[0:4, 0:32] = A·B[0:k, 0:32] (+ C when acc != 0) where row i, column p of the 4 x k matrix
// A is a[i·ars + p·aks] (ars = lda, aks = 1 for A itself; ars = 1, aks = lda for the transpose
// of a stored k x 4 block), B and C row-major with leading dimensions ldb, ldc; all strides in
// elements. Eight zmm accumulators (4 rows x 2 x 16 columns); per step of k, two loads of B's
// row, four broadcasts of A's column and eight FMAs.
TEXT ·sgemm4x32(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ars+16(FP), R8
	MOVQ aks+24(FP), BX
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R9
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R10
	MOVQ acc+64(FP), R11
	SHLQ $2, R8
	SHLQ $2, BX
	SHLQ $2, R9
	SHLQ $2, R10
	LEAQ (SI)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	LEAQ (R13)(R8*1), R14
	TESTQ R11, R11
	JZ    zero
	MOVQ  DX, AX
	VMOVUPS (AX), Z0
	VMOVUPS 64(AX), Z1
	ADDQ  R10, AX
	VMOVUPS (AX), Z2
	VMOVUPS 64(AX), Z3
	ADDQ  R10, AX
	VMOVUPS (AX), Z4
	VMOVUPS 64(AX), Z5
	ADDQ  R10, AX
	VMOVUPS (AX), Z6
	VMOVUPS 64(AX), Z7
	JMP   check

zero:
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	VXORPS Z7, Z7, Z7

check:
	TESTQ CX, CX
	JZ    done

loop:
	VMOVUPS      (DI), Z8
	VMOVUPS      64(DI), Z9
	VBROADCASTSS (SI), Z10
	VBROADCASTSS (R12), Z11
	VBROADCASTSS (R13), Z12
	VBROADCASTSS (R14), Z13
	VFMADD231PS  Z8, Z10, Z0
	VFMADD231PS  Z9, Z10, Z1
	VFMADD231PS  Z8, Z11, Z2
	VFMADD231PS  Z9, Z11, Z3
	VFMADD231PS  Z8, Z12, Z4
	VFMADD231PS  Z9, Z12, Z5
	VFMADD231PS  Z8, Z13, Z6
	VFMADD231PS  Z9, Z13, Z7
	ADDQ         BX, SI
	ADDQ         BX, R12
	ADDQ         BX, R13
	ADDQ         BX, R14
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop

done:
	MOVQ    DX, AX
	VMOVUPS Z0, (AX)
	VMOVUPS Z1, 64(AX)
	ADDQ    R10, AX
	VMOVUPS Z2, (AX)
	VMOVUPS Z3, 64(AX)
	ADDQ    R10, AX
	VMOVUPS Z4, (AX)
	VMOVUPS Z5, 64(AX)
	ADDQ    R10, AX
	VMOVUPS Z6, (AX)
	VMOVUPS Z7, 64(AX)
	VZEROUPPER
	RET
